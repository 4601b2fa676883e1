import { PersonalDataCipher } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Order, OrderStatus } from './order';
import { OrderEntity } from './order.entity';

/**
 * Orders change state only through conditional updates (`... WHERE status = <expected>`): each
 * returns whether it won, so no race can pay, fulfil or refund an order twice.
 */
@Injectable()
export class OrderRepository {
  /** Customers' names and emails are stored encrypted (AES-256-GCM). */
  constructor(private readonly cipher: PersonalDataCipher) {}

  /** False when the quote already has an order (unique quote_id). */
  async insertIfQuoteFree(manager: EntityManager, order: Order): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(OrderEntity)
      .values({
        id: order.id,
        quoteId: order.quoteId,
        accountId: order.accountId,
        status: order.status,
        customerName: this.cipher.encrypt(order.customer.name),
        customerEmail: this.cipher.encrypt(order.customer.email),
        changeWindowStartsAt: order.changeWindow?.startsAt ?? null,
        changeWindowEndsAt: order.changeWindow?.endsAt ?? null,
        paymentDeadline: order.paymentDeadline,
        createdAt: order.createdAt,
      })
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  async findById(manager: EntityManager, id: string): Promise<Order | undefined> {
    const row = await manager.findOne(OrderEntity, { where: { id } });
    return row ? this.toOrder(row) : undefined;
  }

  /** Reads the order and locks it until the transaction ends (serialises its state changes). */
  async findByIdForUpdate(manager: EntityManager, id: string): Promise<Order | undefined> {
    const row = await manager.findOne(OrderEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    return row ? this.toOrder(row) : undefined;
  }

  markPaid(manager: EntityManager, id: string, paymentId: string, at: Date): Promise<boolean> {
    return this.transition(manager, id, ['AWAITING_PAYMENT'], {
      status: 'PAID',
      paymentId,
      paidAt: at,
    });
  }

  markFulfilled(manager: EntityManager, id: string, at: Date): Promise<boolean> {
    return this.transition(manager, id, ['PAID'], { status: 'FULFILLED', fulfilledAt: at });
  }

  /** Closes the order with the refund of `paymentId` (its accepted payment, or a rejected one). */
  markRefundPending(
    manager: EntityManager,
    id: string,
    from: OrderStatus[],
    refund: { paymentId: string; refundId: string },
    at: Date,
  ): Promise<boolean> {
    return this.transition(manager, id, from, {
      status: 'REFUND_PENDING',
      paymentId: refund.paymentId,
      refundId: refund.refundId,
      refundRequestedAt: at,
    });
  }

  markRefunded(manager: EntityManager, id: string, refundId: string, at: Date): Promise<boolean> {
    return this.transition(
      manager,
      id,
      ['REFUND_PENDING'],
      { status: 'REFUNDED', refundedAt: at },
      { refundId },
    );
  }

  /** Marks unpaid orders past their payment deadline EXPIRED; returns how many. */
  async expireUnpaid(manager: EntityManager, now: Date, limit: number): Promise<number> {
    const rows: unknown[] = await manager.query(
      `UPDATE orders SET status = 'EXPIRED', expired_at = $1
        WHERE id IN (SELECT id FROM orders
                      WHERE status = 'AWAITING_PAYMENT' AND payment_deadline <= $1
                      ORDER BY payment_deadline LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND status = 'AWAITING_PAYMENT'
       RETURNING id`,
      [now, limit],
    );
    return rows.length;
  }

  private async transition(
    manager: EntityManager,
    id: string,
    from: OrderStatus[],
    changes: Partial<OrderEntity>,
    alsoWhere: Partial<Pick<OrderEntity, 'refundId'>> = {},
  ): Promise<boolean> {
    const result = await manager.update(
      OrderEntity,
      { id, status: In(from), ...alsoWhere },
      changes,
    );
    return result.affected === 1;
  }

  private toOrder(row: OrderEntity): Order {
    return {
      id: row.id,
      quoteId: row.quoteId,
      accountId: row.accountId,
      status: row.status,
      customer: {
        name: this.cipher.decrypt(row.customerName),
        email: this.cipher.decrypt(row.customerEmail),
      },
      changeWindow:
        row.changeWindowStartsAt && row.changeWindowEndsAt
          ? { startsAt: row.changeWindowStartsAt, endsAt: row.changeWindowEndsAt }
          : undefined,
      paymentDeadline: row.paymentDeadline,
      paymentId: row.paymentId,
      refundId: row.refundId,
      createdAt: row.createdAt,
      paidAt: row.paidAt,
      fulfilledAt: row.fulfilledAt,
      refundRequestedAt: row.refundRequestedAt,
      refundedAt: row.refundedAt,
      expiredAt: row.expiredAt,
    };
  }
}
