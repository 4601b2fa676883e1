import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Quote } from '../quotes/quote';
import { Order, OrderStatus } from './order';
import { OrderRepository } from './order.repository';

/**
 * Orders as payments, refunds, fulfilment and tracking see them. Every method takes the caller's
 * transaction (its manager); the state changes are the repository's conditional updates, each
 * returning whether it won.
 */
@Injectable()
export class OrdersPort {
  constructor(private readonly orders: OrderRepository) {}

  find(manager: EntityManager, orderId: string): Promise<Order | undefined> {
    return this.orders.findById(manager, orderId);
  }

  /** The order, locked until the transaction ends (serialises its state changes). */
  lock(manager: EntityManager, orderId: string): Promise<Order | undefined> {
    return this.orders.findByIdForUpdate(manager, orderId);
  }

  /** The order and the quote it was placed from, in one statement; the order locked. */
  lockWithQuote(
    manager: EntityManager,
    orderId: string,
  ): Promise<{ order: Order; quote: Quote } | undefined> {
    return this.orders.findWithQuoteForUpdate(manager, orderId);
  }

  /** lockWithQuote for several orders in one statement (locked in id order), by order id. */
  lockAllWithQuote(
    manager: EntityManager,
    orderIds: string[],
  ): Promise<Map<string, { order: Order; quote: Quote }>> {
    return this.orders.findAllWithQuoteForUpdate(manager, orderIds);
  }

  /** The listed orders that are PAID become FULFILLED; returns the quote of each, by order id. */
  fulfilPaid(
    manager: EntityManager,
    orders: { orderId: string; accountId: string }[],
    at: Date,
  ): Promise<Map<string, Quote>> {
    return this.orders.markAllFulfilledIfPaid(manager, orders, at);
  }

  /** Closes the order (from one of `from`) with the refund of `refund.paymentId`. */
  markRefundPending(
    manager: EntityManager,
    orderId: string,
    from: OrderStatus[],
    refund: { paymentId: string; refundId: string },
    at: Date,
  ): Promise<boolean> {
    return this.orders.markRefundPending(manager, orderId, from, refund, at);
  }

  /** REFUND_PENDING → REFUNDED, by the refund that closed it. */
  markRefunded(
    manager: EntityManager,
    orderId: string,
    refundId: string,
    at: Date,
  ): Promise<boolean> {
    return this.orders.markRefunded(manager, orderId, refundId, at);
  }
}
