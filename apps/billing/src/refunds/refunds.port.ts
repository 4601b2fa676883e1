import { ReasonCode, RefundRequested } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Money } from '../money/money';
import { Refund, refundIdFor } from './refund';
import { RefundRepository } from './refund.repository';

export interface RefundOfPayment {
  orderId: string;
  accountId: string;
  paymentId: string;
  /** The whole amount captured, tax included. */
  amount: Money;
  reasons: ReasonCode[];
}

/** Refunds as payments, the refunds' own use cases and order tracking see them. */
@Injectable()
export class RefundsPort {
  constructor(private readonly refunds: RefundRepository) {}

  /**
   * Asks upstream to refund a payment in full, at most once per payment: the refund row (unique
   * per payment) and the RefundRequested event commit together, and a second ask finds the row.
   */
  async issue(
    tx: Transaction,
    refund: RefundOfPayment,
  ): Promise<{ refundId: string; issued: boolean }> {
    const refundId = refundIdFor(refund.paymentId);
    const issued = await this.refunds.insertIfNew(tx.manager, {
      ...refund,
      refundId,
      status: 'REQUESTED',
      requestedAt: tx.now,
      settledAt: null,
      settledAmount: null,
    });
    if (issued) {
      tx.publish(
        RefundRequested,
        {
          refundId,
          orderId: refund.orderId,
          accountId: refund.accountId,
          paymentId: refund.paymentId,
          amount: { amountMinor: refund.amount.amountMinor, currency: refund.amount.currency },
          reasons: refund.reasons,
          idempotencyKey: refundId,
        },
        { correlationId: refund.orderId },
      );
    }
    return { refundId, issued };
  }

  /** Every refund naming the order, in the order requested (whoever's payment it refunds). */
  refundsOf(manager: EntityManager, orderId: string): Promise<Refund[]> {
    return this.refunds.findByOrder(manager, orderId);
  }
}
