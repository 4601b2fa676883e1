import { AccountSnapshot } from '@app/contracts';
import { migratedDataSource } from '@app/testing';
import { DataSource } from 'typeorm';
import { AccountRepository } from '../src/accounts/account.repository';
import { ELIGIBILITY_ENTITIES, ELIGIBILITY_MIGRATIONS } from '../src/eligibility.persistence';

/**
 * The account copies and their license index, kept from AccountSnapshot (real PostgreSQL). Each
 * saga brings an account's snapshot twice (its hold cleared, its licenses reinstated), naming the
 * same licenses: the index rows that already say so are left as they are, not written again.
 */
describe("eligibility's account copies (real PostgreSQL)", () => {
  let dataSource: DataSource;
  const accounts = new AccountRepository();
  const now = new Date('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    ({ dataSource } = await migratedDataSource('accountcopies', {
      entities: ELIGIBILITY_ENTITIES,
      migrations: ELIGIBILITY_MIGRATIONS,
    }));
  });
  afterAll(() => dataSource?.destroy());

  const snapshot = (accountId: string, version: number, licenseIds: string[]) =>
    Object.assign(new AccountSnapshot(), {
      accountId,
      region: 'EU',
      status: 'ACTIVE',
      outstandingBalance: { amountMinor: 0, currency: 'EUR' },
      holds: [],
      contracts: [],
      licenses: licenseIds.map((licenseId) => ({
        licenseId,
        contractId: 'contract-1',
        product: 'Poly Sync',
        status: 'ACTIVE',
        expiresAt: '2027-12-01T00:00:00.000Z',
      })),
      version,
    });

  /** Each license's owner and the row version that says so (xmin: changes when it is written). */
  const index = async () =>
    new Map(
      (
        await dataSource.query<{ license_id: string; account_id: string; xmin: string }[]>(
          `SELECT license_id, account_id, xmin::text FROM license_owners ORDER BY license_id`,
        )
      ).map((row) => [row.license_id, { owner: row.account_id, row: row.xmin }]),
    );

  it('leaves the license index rows that already hold, and moves a license named elsewhere', async () => {
    await dataSource.transaction((manager) =>
      accounts.upsertAllIfNewer(
        manager,
        [snapshot('acct-a', 1, ['lic-1', 'lic-2']), snapshot('acct-b', 1, ['lic-3'])],
        now,
      ),
    );
    const before = await index();

    // Newer snapshots: acct-a names the same licenses, acct-b now names lic-2 as well.
    const applied = await dataSource.transaction((manager) =>
      accounts.upsertAllIfNewer(
        manager,
        [snapshot('acct-a', 2, ['lic-1']), snapshot('acct-b', 2, ['lic-2', 'lic-3'])],
        now,
      ),
    );
    const after = await index();

    expect(applied).toBe(2);
    expect([...after].map(([license, { owner }]) => [license, owner])).toEqual([
      ['lic-1', 'acct-a'],
      ['lic-2', 'acct-b'],
      ['lic-3', 'acct-b'],
    ]);
    // Unchanged ownership: the same row, not a new version of it.
    expect(after.get('lic-1')!.row).toBe(before.get('lic-1')!.row);
    expect(after.get('lic-3')!.row).toBe(before.get('lic-3')!.row);
    expect(after.get('lic-2')!.row).not.toBe(before.get('lic-2')!.row);
  });
});
