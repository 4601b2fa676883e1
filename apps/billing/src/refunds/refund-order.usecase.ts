import { ReasonCode } from '@app/contracts';
import { Transaction, TransientError } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { BillingError } from '../billing.error';
import { OrdersPort } from '../orders/orders.port';
import { QuotesPort } from '../quotes/quotes.port';
import { RefundsPort } from './refunds.port';

export interface RefundOrderCommand {
  orderId: string;
  accountId: string;
  reasons: ReasonCode[];
}

/**
 * Compensation: the reactivation of a paid order cannot happen (eligibility rejected it, its review
 * expired, or licensing failed), so its payment is refunded in full and the order awaits the refund.
 * Asking again for an order already being refunded changes nothing.
 */
@Injectable()
export class RefundOrderUsecase {
  constructor(
    private readonly orders: OrdersPort,
    private readonly quotes: QuotesPort,
    private readonly refunds: RefundsPort,
  ) {}

  async execute(command: RefundOrderCommand, tx: Transaction): Promise<void> {
    const order = await this.orders.lock(tx.manager, command.orderId);
    if (!order)
      throw new BillingError('ORDER_NOT_FOUND', `order ${command.orderId} does not exist`);
    if (order.accountId !== command.accountId) {
      throw new BillingError(
        'ORDER_ACCOUNT_MISMATCH',
        `order ${order.id} is not of account ${command.accountId}`,
      );
    }
    switch (order.status) {
      case 'REFUND_PENDING':
      case 'REFUNDED':
        return;
      case 'FULFILLED':
        // Licenses were restored and the receipt sent: a refund now needs a human decision.
        throw new BillingError(
          'ORDER_ALREADY_FULFILLED',
          `order ${order.id} is fulfilled; refusing an automatic refund`,
        );
      case 'AWAITING_PAYMENT':
      case 'EXPIRED':
        throw new BillingError('ORDER_NOT_PAID', `order ${order.id} has no payment to refund`);
      case 'PAID':
        break;
    }
    const quote = await this.quotes.find(tx.manager, order.quoteId);
    if (!quote || !order.paymentId)
      throw new Error(`paid order ${order.id} lacks its quote or payment`);

    const { refundId } = await this.refunds.issue(tx, {
      orderId: order.id,
      accountId: order.accountId,
      paymentId: order.paymentId,
      amount: { amountMinor: quote.totalMinor, currency: quote.currency },
      reasons: command.reasons,
    });
    const moved = await this.orders.markRefundPending(
      tx.manager,
      order.id,
      ['PAID'],
      { paymentId: order.paymentId, refundId },
      tx.now,
    );
    // The row is locked: losing this update means something else changed it; retry from the top.
    if (!moved) throw new TransientError(`order ${order.id} changed while being refunded`);
  }
}
