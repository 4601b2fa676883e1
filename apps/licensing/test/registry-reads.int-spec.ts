import { migratedDataSource, tableReads } from '@app/testing';
import { DataSource, EntityManager } from 'typeorm';
import { LICENSING_ENTITIES, LICENSING_MIGRATIONS } from '../src/licensing.persistence';
import { AccountRepository } from '../src/registry/account.repository';

/** Accounts in the registry: enough that reading one of them by scanning a table shows. */
const ACCOUNTS = 5000;

/**
 * A reinstatement reads one account's rows of a registry that holds every customer's: by index,
 * or its cost grows with the registry. Prepared statements run on a generic plan after their fifth
 * run on a connection, planned without the arrays' values, so the test plans them that way.
 */
describe("licensing's registry reads a reinstatement's rows by index (real PostgreSQL)", () => {
  let dataSource: DataSource;
  const accounts = new AccountRepository();

  beforeAll(async () => {
    ({ dataSource } = await migratedDataSource('licensing', {
      entities: LICENSING_ENTITIES,
      migrations: LICENSING_MIGRATIONS,
    }));
    // Each account: a contract granting two entitlements, two licenses under it, a hold.
    await dataSource.query(`
      INSERT INTO accounts (id, region, status, outstanding_balance_minor,
                            outstanding_balance_currency, version, updated_at)
        SELECT 'acc-' || i, 'EU', 'SUSPENDED', 0, 'EUR', 1, now()
          FROM generate_series(1, ${ACCOUNTS}) i;
      INSERT INTO contracts (id, account_id, starts_at, ends_at, renewal_terms, baseline_terms,
                             terms_fingerprint)
        SELECT 'c-' || i, 'acc-' || i, now() - interval '300 days', now() + interval '900 days',
               'AUTO_RENEW_12M', '{}', repeat('0', 64)
          FROM generate_series(1, ${ACCOUNTS}) i;
      INSERT INTO contract_entitlements (contract_id, code, name)
        SELECT 'c-' || i, code, code FROM generate_series(1, ${ACCOUNTS}) i,
               unnest(ARRAY['VIDEO', 'AUDIO']) code;
      INSERT INTO licenses (id, account_id, contract_id, product, status, expires_at, suspended_at)
        SELECT 'lic-' || i || '-' || n, 'acc-' || i, 'c-' || i, 'Poly Lens', 'SUSPENDED',
               now() + interval '500 days', now()
          FROM generate_series(1, ${ACCOUNTS}) i, generate_series(1, 2) n;
      INSERT INTO holds (id, account_id, category, reason, state)
        SELECT 'h-' || i, 'acc-' || i, 'BILLING_HOLD', 'unpaid invoice', 'ACTIVE'
          FROM generate_series(1, ${ACCOUNTS}) i;
      ANALYZE`);
  });
  afterAll(() => dataSource?.destroy());

  /** Runs `read` in a transaction planned generically; the tables it scanned whole, if any. */
  async function tablesScanned(read: (manager: EntityManager) => Promise<void>): Promise<string[]> {
    return dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL plan_cache_mode = force_generic_plan');
      return (await tableReads(manager, () => read(manager))).scannedWhole();
    });
  }

  it('locks an account, its licenses and one of another account, and reads its holds and contracts', async () => {
    let read: Awaited<ReturnType<AccountRepository['lockLicensesAndRead']>> | undefined;
    const scanned = await tablesScanned(async (manager) => {
      await accounts.lockAll(manager, ['acc-42']);
      read = await accounts.lockLicensesAndRead(manager, ['acc-42'], ['lic-42-1', 'lic-77-2']);
    });
    expect(read!.licenses.map((l) => l.id)).toEqual(['lic-42-1', 'lic-42-2', 'lic-77-2']);
    expect(read!.holds.map((h) => h.id)).toEqual(['h-42']);
    expect(read!.contracts.map(({ contract }) => contract.id)).toEqual(['c-42', 'c-77']);
    expect(read!.contracts[0].entitlements.map((e) => e.code)).toEqual(['AUDIO', 'VIDEO']);
    expect(scanned).toEqual([]);
  });

  it("reads contracts again for the terms' proof, by id and by account", async () => {
    let byId: Awaited<ReturnType<AccountRepository['readContracts']>> = [];
    let byAccount: typeof byId = [];
    const scanned = await tablesScanned(async (manager) => {
      byId = await accounts.readContracts(manager, [], ['c-42', 'c-77']);
      byAccount = await accounts.readContracts(manager, ['acc-9'], []);
    });
    expect(byId.map(({ contract }) => contract.id)).toEqual(['c-42', 'c-77']);
    expect(byAccount.map(({ contract }) => contract.id)).toEqual(['c-9']);
    expect(scanned).toEqual([]);
  });
});
