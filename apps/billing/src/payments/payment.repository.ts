import { preparedStatement, runPrepared } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Payment, PaymentFailure } from './payment';
import { PaymentEntity, PaymentFailureEntity } from './payment.entity';

@Injectable()
export class PaymentRepository {
  /** False when this paymentId was already recorded (the same payment delivered again). */
  async insertIfNew(manager: EntityManager, payment: Payment): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO payments (${PAYMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9)
       ON CONFLICT DO NOTHING
       RETURNING payment_id`,
      paymentValues(payment),
    );
    return rows.length === 1;
  }

  /**
   * Records an accepted payment and, in the same statement, marks its order PAID (only from
   * AWAITING_PAYMENT, or EXPIRED: the sweep expired it while its on-time payment waited). `recorded` false: this paymentId was already recorded and nothing changed;
   * `orderPaid` false: the order was not awaiting payment any more.
   */
  async insertAcceptedPayingOrder(
    manager: EntityManager,
    payment: Payment,
  ): Promise<{ recorded: boolean; orderPaid: boolean }> {
    const rows = await runPrepared<{ recorded: number; paid: number }[]>(
      manager,
      INSERT_ACCEPTED_PAYING_ORDER,
      paymentValues(payment),
    );
    return { recorded: rows[0].recorded === 1, orderPaid: rows[0].paid === 1 };
  }

  /**
   * insertAcceptedPayingOrder for several payments of distinct orders, in one statement. Returns,
   * for each payment it recorded (a paymentId already recorded is left out: nothing changed for
   * it), whether its order was paid.
   */
  async insertAllAcceptedPayingOrders(
    manager: EntityManager,
    payments: Payment[],
  ): Promise<Map<string, boolean>> {
    const rows = await runPrepared<{ payment_id: string; paid: boolean }[]>(
      manager,
      INSERT_ALL_ACCEPTED_PAYING_ORDERS,
      [
        payments.map((p) => p.paymentId),
        payments.map((p) => p.orderId),
        payments.map((p) => p.accountId),
        payments.map((p) => p.amount.amountMinor),
        payments.map((p) => p.amount.currency),
        payments.map((p) => p.capturedAt),
        payments.map((p) => p.receivedAt),
      ],
    );
    return new Map(rows.map((row) => [row.payment_id, row.paid]));
  }

  /**
   * The payments of an order made by its account: a payment another account made naming it was
   * only refunded to its payer and is none of the order's business.
   */
  async findByOrder(
    manager: EntityManager,
    orderId: string,
    accountId: string,
  ): Promise<Payment[]> {
    const rows = await manager.find(PaymentEntity, {
      where: { orderId, accountId },
      order: { receivedAt: 'ASC' },
    });
    return rows.map((row) => ({
      paymentId: row.paymentId,
      orderId: row.orderId,
      accountId: row.accountId,
      amount: { amountMinor: row.amountMinor, currency: row.currency },
      outcome: row.outcome,
      reasons: row.reasons,
      capturedAt: row.capturedAt,
      receivedAt: row.receivedAt,
    }));
  }

  async recordFailure(manager: EntityManager, failure: PaymentFailure): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(PaymentFailureEntity)
      .values(failure)
      .orIgnore()
      .execute();
  }

  async findFailuresByOrder(
    manager: EntityManager,
    orderId: string,
    accountId: string,
  ): Promise<PaymentFailure[]> {
    const rows = await manager.find(PaymentFailureEntity, {
      where: { orderId, accountId },
      order: { receivedAt: 'ASC' },
    });
    return rows.map((row) => ({ ...row }));
  }
}

const PAYMENT_COLUMNS = `payment_id, order_id, account_id, amount_minor, currency, outcome, reasons,
  captured_at, received_at`;

const INSERT_ACCEPTED_PAYING_ORDER = preparedStatement(
  `WITH recorded AS (
     INSERT INTO payments (${PAYMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9)
     ON CONFLICT DO NOTHING
     RETURNING payment_id, order_id
   ), paid AS (
     UPDATE orders o SET status = 'PAID', payment_id = r.payment_id, paid_at = $9, expired_at = NULL
       FROM recorded r
      WHERE o.id = r.order_id AND o.status IN ('AWAITING_PAYMENT', 'EXPIRED')
     RETURNING o.id
   )
   SELECT (SELECT count(*) FROM recorded)::int AS recorded, (SELECT count(*) FROM paid)::int AS paid`,
);

const INSERT_ALL_ACCEPTED_PAYING_ORDERS = preparedStatement(
  `WITH recorded AS (
     INSERT INTO payments (${PAYMENT_COLUMNS})
     SELECT p.payment_id, p.order_id, p.account_id, p.amount_minor, p.currency, 'ACCEPTED',
            '{}'::text[], p.captured_at, p.received_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[],
                   $6::timestamptz[], $7::timestamptz[])
            AS p(payment_id, order_id, account_id, amount_minor, currency, captured_at, received_at)
     ON CONFLICT DO NOTHING
     RETURNING payment_id, order_id, received_at
   ), paid AS (
     UPDATE orders o SET status = 'PAID', payment_id = r.payment_id, paid_at = r.received_at,
                         expired_at = NULL
       FROM recorded r
      WHERE o.id = r.order_id AND o.status IN ('AWAITING_PAYMENT', 'EXPIRED')
     RETURNING o.id
   )
   SELECT r.payment_id, p.id IS NOT NULL AS paid
     FROM recorded r LEFT JOIN paid p ON p.id = r.order_id`,
);

/** The values of PAYMENT_COLUMNS, $1 to $9. */
function paymentValues(payment: Payment): unknown[] {
  return [
    payment.paymentId,
    payment.orderId,
    payment.accountId,
    payment.amount.amountMinor,
    payment.amount.currency,
    payment.outcome,
    payment.reasons,
    payment.capturedAt,
    payment.receivedAt,
  ];
}
