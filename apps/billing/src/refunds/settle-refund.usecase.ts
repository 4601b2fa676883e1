import { OrderRefunded } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { BillingError } from '../billing.error';
import { Money, sameMoney } from '../money/money';
import { OrderRepository } from '../orders/order.repository';
import { RefundRepository } from './refund.repository';

export interface SettleRefundCommand {
  refundId: string;
  amount: Money;
}

/**
 * Upstream executed a refund. When it is the refund that closes its order, the order is REFUNDED
 * and the saga ends with OrderRefunded; the refund of an extra or unmatched payment only settles.
 */
@Injectable()
export class SettleRefundUsecase {
  constructor(
    private readonly refunds: RefundRepository,
    private readonly orders: OrderRepository,
  ) {}

  async execute(command: SettleRefundCommand, tx: Transaction): Promise<void> {
    const refund = await this.refunds.findById(tx.manager, command.refundId);
    if (!refund)
      throw new BillingError('REFUND_NOT_FOUND', `refund ${command.refundId} was never requested`);
    if (!sameMoney(refund.amount, command.amount)) {
      throw new BillingError(
        'REFUND_AMOUNT_MISMATCH',
        `refund ${refund.refundId} settled ${command.amount.amountMinor} ${command.amount.currency}, ` +
          `requested ${refund.amount.amountMinor} ${refund.amount.currency}`,
      );
    }
    const order = await this.orders.findByIdForUpdate(tx.manager, refund.orderId);
    if (!(await this.refunds.markSettled(tx.manager, refund.refundId, tx.now))) return;

    if (
      order?.refundId === refund.refundId &&
      (await this.orders.markRefunded(tx.manager, order.id, refund.refundId, tx.now))
    ) {
      tx.publish(
        OrderRefunded,
        {
          orderId: order.id,
          accountId: order.accountId,
          refundId: refund.refundId,
          amount: { amountMinor: refund.amount.amountMinor, currency: refund.amount.currency },
          reasons: refund.reasons,
          refundedAt: tx.now.toISOString(),
        },
        { correlationId: order.id },
      );
    }
  }
}
