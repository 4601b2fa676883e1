import { PersonalDataCipher } from '@app/platform';
import { migratedDataSource, tableReads, TEST_PII_KEY } from '@app/testing';
import { DataSource } from 'typeorm';
import { BILLING_ENTITIES, BILLING_MIGRATIONS } from '../src/billing.persistence';
import { OrderRepository } from '../src/orders/order.repository';

/**
 * Marking a batch of orders fulfilled while many are paid and waiting, with the statistics of a
 * quieter moment (PostgreSQL's last ANALYZE saw no order PAID: the planner expects one row). In a
 * flood that statement read every paid order for every order of its batch (a nested loop over the
 * orders table and the batch, 120–345 ms a batch of 140 at 3,000 orders): the saga's
 * EntitlementsRestored → OrderFulfilled hop fell further behind the more orders waited.
 */
describe("billing's fulfilment of a batch of orders (real PostgreSQL)", () => {
  const ORDERS = 20_000;
  let dataSource: DataSource;
  let orders: OrderRepository;

  const orderId = (i: number) => `order-${String(i).padStart(5, '0')}`;
  const accountId = (i: number) => `acct-${String(i).padStart(5, '0')}`;

  beforeAll(async () => {
    ({ dataSource } = await migratedDataSource('billing', {
      entities: BILLING_ENTITIES,
      migrations: BILLING_MIGRATIONS,
    }));
    orders = new OrderRepository(new PersonalDataCipher(TEST_PII_KEY));
    await dataSource.query(
      `INSERT INTO quotes (id, account_id, region, license_ids, add_ons, currency, tax_inclusive,
                           tax_rate_bps, lines, subtotal_minor, tax_minor, total_minor,
                           created_at, expires_at)
       SELECT 'quote-' || i, 'acct-' || lpad(i::text, 5, '0'), 'EU', '{l-1}', '{}', 'EUR', true,
              2100, '[]', 4463, 937, 5400, now(), now() + interval '15 minutes'
         FROM generate_series(0, $1 - 1) AS i`,
      [ORDERS],
    );
    await dataSource.query(
      `INSERT INTO orders (id, quote_id, account_id, status, customer_name, customer_email,
                           payment_deadline, created_at)
       SELECT 'order-' || lpad(i::text, 5, '0'), 'quote-' || i, 'acct-' || lpad(i::text, 5, '0'),
              'AWAITING_PAYMENT', 'sealed', 'sealed', now() + interval '1 day', now()
         FROM generate_series(0, $1 - 1) AS i`,
      [ORDERS],
    );
    // The statistics of a quiet moment, then a flood: every order paid and waiting.
    await dataSource.query('ANALYZE orders');
    await dataSource.query(
      `UPDATE orders SET status = 'PAID', payment_id = 'pay-' || id, paid_at = now()
        WHERE id <> $1`,
      [orderId(ORDERS - 1)],
    );
  });
  afterAll(() => dataSource?.destroy());

  it('fulfils the paid orders it names, each of its own account, reading only those', async () => {
    const batch = Array.from({ length: 200 }, (_, i) => ({
      orderId: orderId(i * 9),
      accountId: accountId(i * 9),
    }));
    const named = [
      ...batch,
      // Another account's claim on an order that is not in the batch, and on one that is.
      { orderId: orderId(1), accountId: accountId(2) },
      { orderId: orderId(9), accountId: accountId(3) },
      // Not paid: stays as it is.
      { orderId: orderId(ORDERS - 1), accountId: accountId(ORDERS - 1) },
    ];
    const { result: fulfilled, of } = await dataSource.transaction((manager) =>
      tableReads(manager, () => orders.markAllFulfilledIfPaid(manager, named, new Date())),
    );
    const read = of('orders');

    expect([...fulfilled.keys()].sort()).toEqual(batch.map((o) => o.orderId).sort());
    expect(fulfilled.get(orderId(9))?.accountId).toBe(accountId(9));
    const statuses: { id: string; status: string }[] = await dataSource.query(
      `SELECT id, status FROM orders WHERE id = ANY($1::text[]) ORDER BY id`,
      [[orderId(1), orderId(9), orderId(ORDERS - 1)]],
    );
    expect(statuses).toEqual([
      { id: orderId(1), status: 'PAID' },
      { id: orderId(9), status: 'FULFILLED' },
      { id: orderId(ORDERS - 1), status: 'AWAITING_PAYMENT' },
    ]);
    // The orders of the batch, by index: not the table, once per order of the batch.
    expect(read.scanned).toBe(0);
    expect(read.fetched).toBeLessThanOrEqual(2 * named.length);
  });
});
