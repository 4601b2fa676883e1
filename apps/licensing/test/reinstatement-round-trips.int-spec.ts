import { EntitlementsRestored, EventSources } from '@app/contracts';
import { pipelinedTransaction, Transaction } from '@app/messaging';
import { migratedDataSource, daysFromNow, roundTrips, watchConnection } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LICENSING_ENTITIES, LICENSING_MIGRATIONS } from '../src/licensing.persistence';
import { ReactivationCaseEntity } from '../src/reactivations/reactivation-case.entity';
import { ReactivationCaseRepository } from '../src/reactivations/reactivation-case.repository';
import { ReinstateLicensesUsecase } from '../src/reactivations/reinstate-licenses.usecase';
import { AccountSnapshotPublisher } from '../src/registry/account-snapshot.publisher';
import { AccountRepository } from '../src/registry/account.repository';
import { ImportAccountUsecase } from '../src/registry/import-account.usecase';
import { ReinstatementRegistry } from '../src/registry/reinstatement.registry';

/**
 * A reinstatement sits on the saga's path, in the consumer's transaction: each round trip to the
 * database there is a wait the customer's saga pays (about a millisecond each on this machine at
 * 20 sagas a second). Its statements that do not depend on each other's answers travel together:
 * the locks with the read, then the registry's writes with their proof and the case's outcome.
 */
describe("a reinstatement's round trips (real PostgreSQL)", () => {
  let dataSource: DataSource;
  const accounts = new AccountRepository();
  const cases = new ReactivationCaseRepository();
  const snapshots = new AccountSnapshotPublisher(accounts);
  const reinstate = new ReinstateLicensesUsecase(
    cases,
    new ReinstatementRegistry(accounts, snapshots),
  );
  const origin = { source: EventSources.Licensing, correlationId: 'round-trips' };

  beforeAll(async () => {
    ({ dataSource } = await migratedDataSource('licensing', {
      entities: LICENSING_ENTITIES,
      migrations: LICENSING_MIGRATIONS,
      // One connection, the one watched; pipelining, as the services' (databaseOptions).
      extra: { max: 1, pipeline: true },
    }));
  });
  afterAll(() => dataSource?.destroy());

  /** A suspended account with a billing hold and two suspended licenses under one contract. */
  async function importAccount(accountId: string): Promise<void> {
    await pipelinedTransaction(dataSource, (manager) =>
      new ImportAccountUsecase(accounts, snapshots).execute(
        {
          accountId,
          account: {
            region: 'EU',
            status: 'SUSPENDED',
            outstandingBalance: { amountMinor: 0, currency: 'EUR' },
            holds: [
              {
                holdId: `${accountId}-h`,
                category: 'BILLING_HOLD',
                reason: 'unpaid',
                state: 'ACTIVE',
              },
            ],
            contracts: [
              {
                contractId: `${accountId}-c`,
                startsAt: daysFromNow(-300),
                endsAt: daysFromNow(900),
                renewalTerms: 'AUTO_RENEW_12M',
                entitlements: [
                  { code: 'VIDEO', name: 'Video meetings' },
                  { code: 'AUDIO', name: 'Audio conferencing' },
                ],
              },
            ],
            licenses: [1, 2].map((n) => ({
              licenseId: `${accountId}-l${n}`,
              contractId: `${accountId}-c`,
              product: 'Poly Lens',
              status: 'SUSPENDED',
              expiresAt: daysFromNow(500),
            })),
          },
        },
        new Transaction(manager, origin),
      ),
    );
  }

  function activating(accountId: string): ReactivationCaseEntity {
    const now = new Date();
    return {
      orderId: randomUUID(),
      accountId,
      licenseIds: [`${accountId}-l1`, `${accountId}-l2`],
      holdIds: [`${accountId}-h`],
      windowStartsAt: null,
      windowEndsAt: null,
      state: 'ACTIVATING',
      scheduledFor: null,
      windowMissed: false,
      reasons: [],
      resuspendedLicenseIds: [],
      clearedHoldIds: [],
      note: null,
      verifiedAt: now,
      createdAt: now,
      completedAt: null,
    };
  }

  it('reads under lock in one round trip and writes, proves and completes the case in one more', async () => {
    const accountIds = ['acc-a', 'acc-b'];
    for (const accountId of accountIds) await importAccount(accountId);
    const reactivations = accountIds.map(activating);
    const traffic = await watchConnection(dataSource);
    let published: string[] = [];
    let trips = 0;

    await pipelinedTransaction(dataSource, async (manager) => {
      await cases.insertAllIfNew(manager, reactivations);
      const txs = reactivations.map(() => new Transaction(manager, origin));
      const from = traffic.length;
      await reinstate.executeAll(
        reactivations.map((reactivation, i) => ({ reactivation, tx: txs[i] })),
      );
      trips = roundTrips(traffic.slice(from));
      published = txs.flatMap((tx) => tx.takeMessages().map((message) => message.eventType ?? ''));
    });

    expect(trips).toBe(2);
    // What those two round trips did, committed: every license on, the holds cleared, the
    // accounts active, the cases restored, and each saga told so.
    const licenses: { status: string }[] = await dataSource.query(
      `SELECT status FROM licenses WHERE account_id = ANY($1)`,
      [accountIds],
    );
    expect(licenses.map((l) => l.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
    const holds: { state: string }[] = await dataSource.query(
      `SELECT state FROM holds WHERE account_id = ANY($1)`,
      [accountIds],
    );
    expect(holds.map((h) => h.state)).toEqual(['CLEARED', 'CLEARED']);
    const states: { status: string }[] = await dataSource.query(
      `SELECT status FROM accounts WHERE id = ANY($1)`,
      [accountIds],
    );
    expect(states.map((a) => a.status)).toEqual(['ACTIVE', 'ACTIVE']);
    for (const reactivation of reactivations) {
      expect((await cases.find(dataSource.manager, reactivation.orderId))?.state).toBe('RESTORED');
    }
    expect(published.filter((type) => type === EntitlementsRestored.type)).toHaveLength(2);
  });
});
