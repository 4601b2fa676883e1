import { ManualHandlingRequired, OrderRefunded } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { BillingEnvironment } from '../billing.config';
import { BillingError } from '../billing.error';
import { Money } from '../money/money';
import { OrdersPort } from '../orders/orders.port';
import { Refund, settlementOf } from './refund';
import { RefundRepository } from './refund.repository';

export interface SettleRefundCommand {
  refundId: string;
  amount: Money;
}

/**
 * Upstream executed a refund. When it is the refund that closes its order, the order is REFUNDED
 * and the saga ends with OrderRefunded; the refund of an extra or unmatched payment only settles.
 * A refund settled with another amount than requested is no record's fault and no rule can settle
 * it: it is recorded as MISMATCHED and the saga waits on ops (ManualHandlingRequired, with a
 * deadline), instead of a dead letter nobody connects to the customer's money.
 */
@Injectable()
export class SettleRefundUsecase {
  constructor(
    private readonly refunds: RefundRepository,
    private readonly orders: OrdersPort,
    private readonly env: BillingEnvironment,
  ) {}

  async execute(command: SettleRefundCommand, tx: Transaction): Promise<void> {
    const refund = await this.refunds.findById(tx.manager, command.refundId);
    if (!refund)
      throw new BillingError('REFUND_NOT_FOUND', `refund ${command.refundId} was never requested`);
    switch (settlementOf(refund, command.amount)) {
      case 'ALREADY_RECORDED':
        return;
      case 'MISMATCH':
        return this.askOps(refund, command.amount, tx);
      case 'SETTLE':
        return this.settle(refund, tx);
    }
  }

  private async settle(refund: Refund, tx: Transaction): Promise<void> {
    const order = await this.orders.lock(tx.manager, refund.orderId);
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

  private async askOps(refund: Refund, settled: Money, tx: Transaction): Promise<void> {
    if (!(await this.refunds.markMismatched(tx.manager, refund.refundId, settled, tx.now))) return;
    const deadline = new Date(tx.now.getTime() + this.env.MANUAL_HANDLING_DEADLINE_SECONDS * 1000);
    tx.publish(
      ManualHandlingRequired,
      {
        orderId: refund.orderId,
        accountId: refund.accountId,
        reason: 'REFUND_AMOUNT_MISMATCH',
        detail:
          `refund ${refund.refundId} was settled as ${settled.amountMinor} ${settled.currency}, ` +
          `requested ${refund.amount.amountMinor} ${refund.amount.currency}`,
        refundId: refund.refundId,
        requested: { amountMinor: refund.amount.amountMinor, currency: refund.amount.currency },
        settled: { amountMinor: settled.amountMinor, currency: settled.currency },
        deadline: deadline.toISOString(),
        raisedAt: tx.now.toISOString(),
      },
      { correlationId: refund.orderId },
    );
  }
}
