/**
 * The floor's billing: a verified PaymentCaptured matching its placed order exactly marks it paid
 * and emits OrderPaid; EntitlementsRestored marks a paid order fulfilled and emits OrderFulfilled.
 * Each kind a handful of set-based statements per batch.
 */
import {
  EntitlementsRestored,
  EventSources,
  OrderFulfilled,
  OrderPaid,
  PaymentCaptured,
  ReceiptDto,
  SIGNATURE_HEADER,
  verifySignature,
} from '@app/contracts';
import { PoolClient } from 'pg';
import { FloorOutgoing, FloorRecord, outgoing } from './floor-service';

interface OrderRow {
  order_id: string;
  account_id: string;
  region: string;
  status: string;
  amount_minor: string;
  currency: string;
  license_ids: string[];
  customer_sealed: string;
}

export function floorBilling(upstreamSecret: string) {
  const counts = { badSignature: 0, unmatched: 0 };
  const handle = async (db: PoolClient, records: FloorRecord[]): Promise<FloorOutgoing[]> => {
    const now = new Date();
    const payments = records.filter((r) => {
      if (r.event.type !== PaymentCaptured.type) return false;
      const header = r.headers[SIGNATURE_HEADER]?.toString();
      // Fresh against the broker's append time, as the product judges it.
      const verdict = verifySignature(
        upstreamSecret,
        r.value,
        header,
        Math.floor(r.timestampMs / 1000),
      );
      if (verdict !== 'valid') counts.badSignature++;
      return verdict === 'valid';
    });
    const restored = records.filter((r) => r.event.type === EntitlementsRestored.type);
    return [...(await pay(db, payments, now, counts)), ...(await fulfil(db, restored, now))];
  };
  return { handle, counts };
}

async function pay(
  db: PoolClient,
  payments: FloorRecord[],
  now: Date,
  counts: { unmatched: number },
): Promise<FloorOutgoing[]> {
  if (payments.length === 0) return [];
  const data = payments.map((p) => p.event.data as unknown as PaymentCaptured);
  const { rows } = await db.query<OrderRow>(
    `SELECT order_id, account_id, region, status, amount_minor, currency, license_ids, customer_sealed
     FROM billing.orders WHERE order_id = ANY($1) ORDER BY order_id FOR UPDATE`,
    [data.map((d) => d.orderId)],
  );
  const orders = new Map(rows.map((row) => [row.order_id, row]));
  const paid: { record: FloorRecord; payment: PaymentCaptured; order: OrderRow }[] = [];
  payments.forEach((record, i) => {
    const payment = data[i];
    const order = orders.get(payment.orderId);
    const matches =
      order !== undefined &&
      order.status === 'PLACED' &&
      order.account_id === payment.accountId &&
      Number(order.amount_minor) === payment.amount.amountMinor &&
      order.currency === payment.amount.currency;
    if (!matches) {
      counts.unmatched++;
      return;
    }
    order.status = 'PAID'; // a second payment of the same order in this batch does not match
    paid.push({ record, payment, order });
  });
  if (paid.length === 0) return [];
  await db.query(
    `WITH p AS (
       INSERT INTO billing.payments (payment_id, order_id, outcome, amount_minor, currency)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
       ON CONFLICT DO NOTHING RETURNING payment_id, order_id)
     UPDATE billing.orders o SET status = 'PAID', payment_id = p.payment_id, paid_at = $6
     FROM p WHERE o.order_id = p.order_id`,
    [
      paid.map((p) => p.payment.paymentId),
      paid.map((p) => p.order.order_id),
      paid.map(() => 'MATCHED'),
      paid.map((p) => p.payment.amount.amountMinor),
      paid.map((p) => p.payment.amount.currency),
      now,
    ],
  );
  return paid.map(({ record, payment, order }) =>
    outgoing(
      OrderPaid,
      {
        orderId: order.order_id,
        accountId: order.account_id,
        paymentId: payment.paymentId,
        region: order.region,
        licenseIds: order.license_ids,
        amount: payment.amount,
        addOns: [],
        customer: { sealed: order.customer_sealed },
        paidAt: now.toISOString(),
      },
      { source: EventSources.Billing, cause: record.event },
      now,
    ),
  );
}

async function fulfil(
  db: PoolClient,
  restored: FloorRecord[],
  now: Date,
): Promise<FloorOutgoing[]> {
  if (restored.length === 0) return [];
  const { rows } = await db.query<{ order_id: string; account_id: string; receipt: ReceiptDto }>(
    `UPDATE billing.orders SET status = 'FULFILLED', fulfilled_at = $2
     WHERE order_id = ANY($1) AND status = 'PAID' RETURNING order_id, account_id, receipt`,
    [restored.map((r) => (r.event.data as unknown as EntitlementsRestored).orderId), now],
  );
  const causes = new Map(
    restored.map((r) => [(r.event.data as unknown as EntitlementsRestored).orderId, r.event]),
  );
  return rows.map((row) =>
    outgoing(
      OrderFulfilled,
      {
        orderId: row.order_id,
        accountId: row.account_id,
        receipt: row.receipt,
        fulfilledAt: now.toISOString(),
      },
      { source: EventSources.Billing, cause: causes.get(row.order_id)! },
      now,
    ),
  );
}
