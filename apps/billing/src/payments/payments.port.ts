import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Payment, PaymentFailure } from './payment';
import { PaymentRepository } from './payment.repository';

/** Payments as order tracking sees them: what an order's account paid, and what upstream could not capture. */
@Injectable()
export class PaymentsPort {
  constructor(private readonly payments: PaymentRepository) {}

  /** The payments of the order made by its account, in the order received. */
  paymentsOf(manager: EntityManager, orderId: string, accountId: string): Promise<Payment[]> {
    return this.payments.findByOrder(manager, orderId, accountId);
  }

  failedPaymentsOf(
    manager: EntityManager,
    orderId: string,
    accountId: string,
  ): Promise<PaymentFailure[]> {
    return this.payments.findFailuresByOrder(manager, orderId, accountId);
  }
}
