import { migratedDataSource, tableReads } from '@app/testing';
import { DataSource } from 'typeorm';
import { CaseRepository } from '../src/cases/case.repository';
import { ELIGIBILITY_ENTITIES, ELIGIBILITY_MIGRATIONS } from '../src/eligibility.persistence';

/**
 * Closing a batch of cases while many are open, with the statistics of a quieter moment
 * (PostgreSQL's last ANALYZE saw every case closed: the planner expects one open case). In a flood
 * that statement read every open case for every order of its batch (33–38 ms a batch of 40 at
 * 3,000 cases), the same trap as billing's fulfilment (apps/billing/test/fulfilment-statement).
 */
describe("eligibility's closing of a batch of cases (real PostgreSQL)", () => {
  const CASES = 20_000;
  let dataSource: DataSource;
  const orderId = (i: number) => `order-${String(i).padStart(5, '0')}`;

  beforeAll(async () => {
    ({ dataSource } = await migratedDataSource('eligibility', {
      entities: ELIGIBILITY_ENTITIES,
      migrations: ELIGIBILITY_MIGRATIONS,
    }));
    await dataSource.query(
      `INSERT INTO eligibility_cases (order_id, account_id, state, reasons, license_ids, hold_ids,
                                      checked_at, decided_at, closed_at, outcome)
       SELECT 'order-' || lpad(i::text, 5, '0'), 'acct-' || i, 'VERIFIED', '{}', '{l-1}', '{}',
              now(), now(), now(), 'FULFILLED'
         FROM generate_series(0, $1 - 1) AS i`,
      [CASES],
    );
    // The statistics of a quiet moment, then a flood: every case open.
    await dataSource.query('ANALYZE eligibility_cases');
    await dataSource.query(
      `UPDATE eligibility_cases SET closed_at = NULL, outcome = NULL WHERE order_id <> $1`,
      [orderId(CASES - 1)],
    );
  });
  afterAll(() => dataSource?.destroy());

  it('closes the open cases it names, once each, reading only those', async () => {
    const batch = Array.from({ length: 200 }, (_, i) => ({
      orderId: orderId(i * 9),
      outcome: 'FULFILLED' as const,
    }));
    // A case closed already is left as it was.
    const named = [...batch, { orderId: orderId(CASES - 1), outcome: 'REFUNDED' as const }];
    const { result: closed, of } = await dataSource.transaction((manager) =>
      tableReads(manager, () => new CaseRepository().closeAll(manager, named, new Date())),
    );
    const read = of('eligibility_cases');

    expect([...closed.keys()].sort()).toEqual(batch.map((c) => c.orderId).sort());
    const [last]: { outcome: string }[] = await dataSource.query(
      `SELECT outcome FROM eligibility_cases WHERE order_id = $1`,
      [orderId(CASES - 1)],
    );
    expect(last.outcome).toBe('FULFILLED');
    // The cases of the batch, by index: not the table, once per order of the batch.
    expect(read.scanned).toBe(0);
    expect(read.fetched).toBeLessThanOrEqual(2 * named.length);
  });
});
