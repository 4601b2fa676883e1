import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BillingEnvironment } from '../billing.config';
import { BillingError } from '../billing.error';
import { isQuoteExpired, Quote } from '../quotes/quote';
import { QuotesPort } from '../quotes/quotes.port';
import { ChangeWindow, Customer, Order } from './order';
import { checkChangeWindow } from './order-rules';
import { OrderRepository } from './order.repository';

export interface CreateOrderCommand {
  quoteId: string;
  customer: Customer;
  changeWindow?: ChangeWindow;
  /** Set for a customer: the only account whose quotes they may order. */
  accountScope?: string;
}

export interface PlacedOrder {
  order: Order;
  quote: Quote;
}

/** Places the order of a still-locked quote; it then waits for its payment until the deadline. */
@Injectable()
export class CreateOrderUsecase {
  constructor(
    private readonly quotes: QuotesPort,
    private readonly orders: OrderRepository,
    private readonly env: BillingEnvironment,
  ) {}

  async execute(command: CreateOrderCommand, tx: Transaction): Promise<PlacedOrder> {
    const quote = await this.quotes.find(tx.manager, command.quoteId);
    // Another account's quote is reported as missing: its existence is not the caller's business.
    if (
      !quote ||
      (command.accountScope !== undefined && quote.accountId !== command.accountScope)
    ) {
      throw new BillingError('QUOTE_NOT_FOUND', `quote ${command.quoteId} does not exist`);
    }
    if (isQuoteExpired(quote, tx.now)) {
      throw new BillingError(
        'QUOTE_EXPIRED',
        `quote ${quote.id} expired at ${quote.expiresAt.toISOString()}`,
      );
    }
    checkChangeWindow(quote.addOns.includes('SCHEDULED_ACTIVATION'), command.changeWindow, tx.now);

    const order: Order = {
      id: randomUUID(),
      quoteId: quote.id,
      accountId: quote.accountId,
      status: 'AWAITING_PAYMENT',
      customer: command.customer,
      changeWindow: command.changeWindow,
      paymentDeadline: new Date(tx.now.getTime() + this.env.PAYMENT_DEADLINE_SECONDS * 1000),
      paymentId: null,
      refundId: null,
      createdAt: tx.now,
      paidAt: null,
      fulfilledAt: null,
      refundRequestedAt: null,
      refundedAt: null,
      expiredAt: null,
    };
    if (!(await this.orders.insertIfQuoteFree(tx.manager, order))) {
      throw new BillingError('ORDER_EXISTS_FOR_QUOTE', `quote ${quote.id} already has an order`);
    }
    return { order, quote };
  }
}
