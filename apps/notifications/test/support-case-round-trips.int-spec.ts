import { EventSources, SupportContactAssigned } from '@app/contracts';
import { pipelinedTransaction, Transaction } from '@app/messaging';
import { PersonalDataCipher } from '@app/platform';
import {
  migratedDataSource,
  queryDatabase,
  roundTrips,
  statementsIn,
  TEST_PII_KEY,
  watchConnection,
} from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NOTIFICATIONS_ENTITIES, NOTIFICATIONS_MIGRATIONS } from '../src/notifications.persistence';
import { OpenSupportCasesUsecase } from '../src/roster/open-support-cases.usecase';
import { SupportCaseRepository } from '../src/roster/support-case.repository';

/**
 * Every paid order gets its support contact in the consumer's transaction, on the saga's path:
 * each round trip to the database there is a wait the saga pays, and each statement a wake-up of
 * the service and of PostgreSQL. The reads it needs (which orders have a case already, the roster
 * with its load) are one statement, then the cases are written with one more.
 */
describe('opening support cases: round trips (real PostgreSQL)', () => {
  let dataSource: DataSource;
  let databaseUrl: string;
  const usecase = new OpenSupportCasesUsecase(
    new SupportCaseRepository(new PersonalDataCipher(TEST_PII_KEY)),
  );
  const origin = { source: EventSources.Notifications, correlationId: 'round-trips' };

  beforeAll(async () => {
    ({ dataSource, url: databaseUrl } = await migratedDataSource('supportcases', {
      entities: NOTIFICATIONS_ENTITIES,
      migrations: NOTIFICATIONS_MIGRATIONS,
      // One connection, the one watched; pipelining, as the services' (databaseOptions).
      extra: { max: 1, pipeline: true },
    }));
  });
  afterAll(() => dataSource?.destroy());

  /** Opens the cases of these orders in one transaction; the round trips it took and the events. */
  async function open(
    orderIds: string[],
  ): Promise<{ trips: number; statements: number; assigned: string[] }> {
    const traffic = await watchConnection(dataSource);
    let trips = 0;
    let statements = 0;
    let assigned: string[] = [];
    await pipelinedTransaction(dataSource, async (manager) => {
      const from = traffic.length;
      const events = await usecase.execute(
        orderIds.map((orderId) => ({
          orderId,
          accountId: `acc-${orderId.slice(0, 8)}`,
          region: 'EU',
          customer: { name: 'Ada Customer', email: 'ada@example.test' },
          paid: { amountMinor: 5_900, currency: 'EUR' },
          addOns: [],
          tx: new Transaction(manager, origin),
        })),
        { manager, now: new Date() },
      );
      trips = roundTrips(traffic.slice(from));
      statements = statementsIn(traffic.slice(from));
      assigned = events.map((event) => {
        expect(event.type).toBe(SupportContactAssigned.type);
        return event.data.orderId;
      });
    });
    return { trips, statements, assigned };
  }

  it('reads the cases and the roster in one statement, then writes the cases with one more', async () => {
    const orderIds = [randomUUID(), randomUUID(), randomUUID()];

    const { trips, statements, assigned } = await open(orderIds);

    expect(trips).toBe(2);
    expect(statements).toBe(2);
    expect(assigned.sort()).toEqual([...orderIds].sort());
    const cases = await queryDatabase<{ order_id: string; contact_id: string }>(
      databaseUrl,
      `SELECT order_id, contact_id FROM support_cases WHERE order_id = ANY($1)`,
      [orderIds],
    );
    expect(cases.map((c) => c.order_id).sort()).toEqual([...orderIds].sort());
    // Balanced over the region's roster, counting the cases opened before them in the chunk.
    expect(new Set(cases.map((c) => c.contact_id)).size).toBeGreaterThan(1);
  });

  it('opens nothing again for orders that have their case, and writes nothing', async () => {
    const orderIds = [randomUUID(), randomUUID()];
    await open(orderIds);

    const again = await open(orderIds);

    expect(again.assigned).toEqual([]);
    expect(again.trips).toBe(1);
    const cases = await queryDatabase<{ n: string }>(
      databaseUrl,
      `SELECT count(*) AS n FROM support_cases WHERE order_id = ANY($1)`,
      [orderIds],
    );
    expect(Number(cases[0].n)).toBe(2);
  });
});
