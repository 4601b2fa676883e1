import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { PaymentRepository } from './payment.repository';

export interface RecordFailedPaymentCommand {
  paymentId: string;
  orderId: string;
  accountId: string;
  reason: string;
}

/** Upstream could not capture a payment: kept for support; the order still awaits a payment. */
@Injectable()
export class RecordFailedPaymentUsecase {
  constructor(private readonly payments: PaymentRepository) {}

  async execute(command: RecordFailedPaymentCommand, tx: Transaction): Promise<void> {
    await this.payments.recordFailure(tx.manager, { ...command, receivedAt: tx.now });
  }
}
