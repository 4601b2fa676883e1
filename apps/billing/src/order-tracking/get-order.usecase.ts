import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BillingError } from '../billing.error';
import { Order } from '../orders/order';
import { OrdersPort } from '../orders/orders.port';
import { Payment, PaymentFailure } from '../payments/payment';
import { PaymentsPort } from '../payments/payments.port';
import { Quote } from '../quotes/quote';
import { QuotesPort } from '../quotes/quotes.port';
import { Refund } from '../refunds/refund';
import { RefundsPort } from '../refunds/refunds.port';

export interface OrderDetails {
  order: Order;
  quote: Quote;
  payments: Payment[];
  failedPayments: PaymentFailure[];
  refunds: Refund[];
}

/**
 * Everything billing knows about one order: its price, its payments and its refunds.
 *
 * Read through the four features' ports rather than by one query of its own joining their
 * tables: each aggregate's row mapping (the customer decrypted, bigint money checked) stays with
 * the feature that owns it, and one REPEATABLE READ snapshot makes the reads agree as a join would.
 */
@Injectable()
export class GetOrderUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersPort,
    private readonly quotes: QuotesPort,
    private readonly payments: PaymentsPort,
    private readonly refunds: RefundsPort,
  ) {}

  /** `readableAccount`: a customer's own account; another account's order is "not found" too. */
  async execute(orderId: string, readableAccount?: string): Promise<OrderDetails> {
    // One snapshot, so the order, its payments and refunds agree with each other.
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const order = await this.orders.find(manager, orderId);
      if (!order || (readableAccount !== undefined && order.accountId !== readableAccount))
        throw new BillingError('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      const quote = await this.quotes.find(manager, order.quoteId);
      if (!quote) throw new Error(`order ${order.id} lacks its quote ${order.quoteId}`);
      return {
        order,
        quote,
        payments: await this.payments.paymentsOf(manager, order.id, order.accountId),
        failedPayments: await this.payments.failedPaymentsOf(manager, order.id, order.accountId),
        // A refund of another account's payment naming this order is none of its business.
        refunds: (await this.refunds.refundsOf(manager, order.id)).filter(
          (refund) => refund.accountId === order.accountId,
        ),
      };
    });
  }
}
