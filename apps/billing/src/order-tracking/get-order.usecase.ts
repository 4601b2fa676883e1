import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BillingError } from '../billing.error';
import { Order } from '../orders/order';
import { OrderRepository } from '../orders/order.repository';
import { Payment, PaymentFailure } from '../payments/payment';
import { PaymentRepository } from '../payments/payment.repository';
import { Quote } from '../quotes/quote';
import { QuoteRepository } from '../quotes/quote.repository';
import { Refund } from '../refunds/refund';
import { RefundRepository } from '../refunds/refund.repository';

export interface OrderDetails {
  order: Order;
  quote: Quote;
  payments: Payment[];
  failedPayments: PaymentFailure[];
  refunds: Refund[];
}

/** Everything billing knows about one order: its price, its payments and its refunds. */
@Injectable()
export class GetOrderUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly quotes: QuoteRepository,
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundRepository,
  ) {}

  /** `readableAccount`: a customer's own account; another account's order is "not found" too. */
  async execute(orderId: string, readableAccount?: string): Promise<OrderDetails> {
    // One snapshot, so the order, its payments and refunds agree with each other.
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const order = await this.orders.findById(manager, orderId);
      if (!order || (readableAccount !== undefined && order.accountId !== readableAccount))
        throw new BillingError('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      const quote = await this.quotes.findById(manager, order.quoteId);
      if (!quote) throw new Error(`order ${order.id} lacks its quote ${order.quoteId}`);
      return {
        order,
        quote,
        payments: await this.payments.findByOrder(manager, order.id, order.accountId),
        failedPayments: await this.payments.findFailuresByOrder(manager, order.id, order.accountId),
        // A refund of another account's payment naming this order is none of its business.
        refunds: (await this.refunds.findByOrder(manager, order.id)).filter(
          (refund) => refund.accountId === order.accountId,
        ),
      };
    });
  }
}
