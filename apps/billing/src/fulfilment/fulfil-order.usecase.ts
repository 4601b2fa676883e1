import { OrderFulfilled } from '@app/contracts';
import { Transaction, TransientError } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { BillingError } from '../billing.error';
import { OrderRepository } from '../orders/order.repository';
import { QuoteRepository } from '../quotes/quote.repository';
import { toReceipt } from './receipt';

export interface FulfilOrderCommand {
  orderId: string;
  accountId: string;
}

/** Licensing restored the order's licenses: the order is FULFILLED and its receipt sent out. */
@Injectable()
export class FulfilOrderUsecase {
  constructor(
    private readonly orders: OrderRepository,
    private readonly quotes: QuoteRepository,
  ) {}

  async execute(command: FulfilOrderCommand, tx: Transaction): Promise<void> {
    const order = await this.orders.findByIdForUpdate(tx.manager, command.orderId);
    if (!order)
      throw new BillingError('ORDER_NOT_FOUND', `order ${command.orderId} does not exist`);
    if (order.accountId !== command.accountId) {
      throw new BillingError(
        'ORDER_ACCOUNT_MISMATCH',
        `order ${order.id} is not of account ${command.accountId}`,
      );
    }
    if (order.status === 'FULFILLED') return;
    if (order.status !== 'PAID') {
      // Restored while being refunded (or never paid): a human must reconcile, so dead-letter it.
      throw new BillingError(
        'ORDER_NOT_FULFILLABLE',
        `order ${order.id} is ${order.status}, not PAID`,
      );
    }
    const quote = await this.quotes.findById(tx.manager, order.quoteId);
    if (!quote) throw new Error(`order ${order.id} lacks its quote ${order.quoteId}`);
    if (!(await this.orders.markFulfilled(tx.manager, order.id, tx.now))) {
      throw new TransientError(`order ${order.id} changed while being fulfilled`);
    }
    tx.publish(
      OrderFulfilled,
      {
        orderId: order.id,
        accountId: order.accountId,
        receipt: toReceipt(quote),
        fulfilledAt: tx.now.toISOString(),
      },
      { correlationId: order.id },
    );
  }
}
