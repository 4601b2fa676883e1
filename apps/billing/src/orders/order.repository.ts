import { preparedStatement, runPrepared } from '@app/messaging';
import { affected, PersonalDataCipher, returned } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Quote } from '../quotes/quote';
import { QUOTE_COLUMNS, QuoteRow, toQuote } from '../quotes/quote.columns';
import { Order, OrderStatus } from './order';
import { OrderEntity } from './order.entity';

/**
 * Orders change state only through conditional updates (`... WHERE status = <expected>`): each
 * returns whether it won, so no race can pay, fulfil or refund an order twice. (An order is paid
 * together with the insert of its payment: `PaymentRepository.insertAcceptedPayingOrder`.)
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
    const rows: OrderRow[] = await manager.query(
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1`,
      [id],
    );
    return rows.length === 1 ? this.toOrder(rows[0]) : undefined;
  }

  /** Reads the order and locks it until the transaction ends (serialises its state changes). */
  async findByIdForUpdate(manager: EntityManager, id: string): Promise<Order | undefined> {
    const rows: OrderRow[] = await manager.query(
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1 FOR UPDATE`,
      [id],
    );
    return rows.length === 1 ? this.toOrder(rows[0]) : undefined;
  }

  /**
   * The order and the quote it was placed from, in one statement; locks the order (not the quote,
   * which is never updated) until the transaction ends.
   */
  async findWithQuoteForUpdate(
    manager: EntityManager,
    id: string,
  ): Promise<{ order: Order; quote: Quote } | undefined> {
    const rows = await runPrepared<(OrderRow & QuoteRow)[]>(manager, FIND_WITH_QUOTE_FOR_UPDATE, [
      id,
    ]);
    return rows.length === 1
      ? { order: this.toOrder(rows[0]), quote: toQuote(rows[0]) }
      : undefined;
  }

  /**
   * The orders of the given ids that exist, each with its quote, in one statement; locks them
   * (in id order, so two transactions never lock them crosswise) until the transaction ends.
   */
  async findAllWithQuoteForUpdate(
    manager: EntityManager,
    ids: string[],
  ): Promise<Map<string, { order: Order; quote: Quote }>> {
    const rows = await runPrepared<(OrderRow & QuoteRow)[]>(
      manager,
      FIND_ALL_WITH_QUOTE_FOR_UPDATE,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { order: this.toOrder(row), quote: toQuote(row) }]));
  }

  /**
   * Every listed order of its account that is PAID becomes FULFILLED, in one statement. Returns the
   * quote of each order it fulfilled (for the receipt), by order id.
   */
  async markAllFulfilledIfPaid(
    manager: EntityManager,
    orders: { orderId: string; accountId: string }[],
    at: Date,
  ): Promise<Map<string, Quote>> {
    const rows = returned<QuoteRow & { order_id: string }>(
      await runPrepared(manager, MARK_ALL_FULFILLED_IF_PAID, [
        orders.map((o) => o.orderId),
        orders.map((o) => o.accountId),
        at,
      ]),
    );
    return new Map(rows.map((row) => [row.order_id, toQuote(row)]));
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
    const result: unknown = await manager.query(
      `UPDATE orders SET status = 'EXPIRED', expired_at = $1
        WHERE id IN (SELECT id FROM orders
                      WHERE status = 'AWAITING_PAYMENT' AND payment_deadline <= $1
                      ORDER BY payment_deadline LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND status = 'AWAITING_PAYMENT'
       RETURNING id`,
      [now, limit],
    );
    // [rows, affectedCount] (`affected`): the length of that pair was taken for the count, so every
    // sweep reported "expired 2" and a backlog above one batch waited for the next sweep.
    return affected(result);
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

  private toOrder(row: OrderRow): Order {
    return {
      id: row.id,
      quoteId: row.quote_id,
      accountId: row.account_id,
      status: row.status,
      customer: {
        name: this.cipher.decrypt(row.customer_name),
        email: this.cipher.decrypt(row.customer_email),
      },
      changeWindow:
        row.change_window_starts_at && row.change_window_ends_at
          ? { startsAt: row.change_window_starts_at, endsAt: row.change_window_ends_at }
          : undefined,
      paymentDeadline: row.payment_deadline,
      paymentId: row.payment_id,
      refundId: row.refund_id,
      createdAt: row.created_at,
      paidAt: row.paid_at,
      fulfilledAt: row.fulfilled_at,
      refundRequestedAt: row.refund_requested_at,
      refundedAt: row.refunded_at,
      expiredAt: row.expired_at,
    };
  }
}

/** An orders row as node-postgres returns it. */
interface OrderRow {
  id: string;
  quote_id: string;
  account_id: string;
  status: OrderStatus;
  customer_name: string;
  customer_email: string;
  change_window_starts_at: Date | null;
  change_window_ends_at: Date | null;
  payment_deadline: Date;
  payment_id: string | null;
  refund_id: string | null;
  created_at: Date;
  paid_at: Date | null;
  fulfilled_at: Date | null;
  refund_requested_at: Date | null;
  refunded_at: Date | null;
  expired_at: Date | null;
}

/** The select list of an `OrderRow`, for the orders table aliased `o`. */
const ORDER_COLUMNS = `o.id, o.quote_id, o.account_id, o.status, o.customer_name, o.customer_email,
  o.change_window_starts_at, o.change_window_ends_at, o.payment_deadline, o.payment_id, o.refund_id,
  o.created_at, o.paid_at, o.fulfilled_at, o.refund_requested_at, o.refunded_at, o.expired_at`;

const FIND_WITH_QUOTE_FOR_UPDATE = preparedStatement(
  `SELECT ${ORDER_COLUMNS}, ${QUOTE_COLUMNS}
    FROM orders o JOIN quotes q ON q.id = o.quote_id
   WHERE o.id = $1
     FOR UPDATE OF o`,
);

const FIND_ALL_WITH_QUOTE_FOR_UPDATE = preparedStatement(
  `SELECT ${ORDER_COLUMNS}, ${QUOTE_COLUMNS}
    FROM orders o JOIN quotes q ON q.id = o.quote_id
   WHERE o.id = ANY($1::text[])
   ORDER BY o.id
     FOR UPDATE OF o`,
);

/**
 * `o.id = ANY($1)` holds the statement to the orders it names, whatever PostgreSQL's statistics
 * say of PAID. Estimated from an ANALYZE that saw no paid order (a quiet moment), `status = 'PAID'`
 * looked like one row, so the planner read the orders table for it and joined each order found
 * against the whole batch: when many orders were paid and waiting (a flood, a backlog after an
 * outage) that was every paid order times the batch, 120–345 ms a batch of 140 at 3,000 orders.
 * Now at most the batch's orders, by key (test/fulfilment-statement.int-spec.ts).
 */
const MARK_ALL_FULFILLED_IF_PAID = preparedStatement(
  `UPDATE orders o SET status = 'FULFILLED', fulfilled_at = $3
     FROM quotes q, unnest($1::text[], $2::text[]) AS f(order_id, account_id)
    WHERE o.id = ANY($1::text[])
      AND o.id = f.order_id AND o.account_id = f.account_id AND o.status = 'PAID'
      AND q.id = o.quote_id
   RETURNING o.id AS order_id, ${QUOTE_COLUMNS}`,
);
