import { preparedStatement, runPrepared } from '@app/messaging';
import { AccountSnapshot, AccountStatus } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Account, AccountContract, AccountHold, AccountLicense } from './account.model';

/** The local account copies and their license index. Methods take the transaction's manager. */
@Injectable()
export class AccountRepository {
  /**
   * Stores the snapshot only if it is newer than the copy held (compacted topics and replays may
   * deliver older ones later). Returns whether it was applied.
   */
  async upsertIfNewer(
    manager: EntityManager,
    snapshot: AccountSnapshot,
    now: Date,
  ): Promise<boolean> {
    return (await this.upsertAllIfNewer(manager, [snapshot], now)) === 1;
  }

  /**
   * upsertIfNewer for the snapshots of distinct accounts, none naming a license another one
   * names, in one statement; returns how many were applied.
   */
  async upsertAllIfNewer(
    manager: EntityManager,
    snapshots: AccountSnapshot[],
    now: Date,
  ): Promise<number> {
    const copies = snapshots.map(copyOf);
    const owned = snapshots.flatMap((snapshot, i) =>
      [...new Set(copies[i].licenses.map((l) => l.licenseId))].map((licenseId) => ({
        accountId: snapshot.accountId,
        licenseId,
      })),
    );
    // The copies and their license index in one statement; an account's index is only rewritten
    // when its copy was. A license moved between accounts belongs to whichever snapshot named it
    // last.
    const rows: { applied: number }[] = await runPrepared(manager, UPSERT_IF_NEWER, [
      snapshots.map((s) => s.accountId),
      snapshots.map((s) => s.version),
      snapshots.map((s) => s.region),
      snapshots.map((s) => s.status),
      snapshots.map((s) => s.outstandingBalance.amountMinor),
      snapshots.map((s) => s.outstandingBalance.currency),
      // The copies as one JSON array, the n-th account's at index n - 1: a text[] of JSON
      // documents is escaped quote by quote into an array literal and parsed twice.
      JSON.stringify(
        copies.map((c) => ({ holds: c.holds, contracts: c.contracts, licenses: c.licenses })),
      ),
      now,
      owned.map((o) => o.accountId),
      owned.map((o) => o.licenseId),
    ]);
    return rows[0].applied;
  }

  async findById(manager: EntityManager, accountId: string): Promise<Account | null> {
    const rows: AccountRow[] = await runPrepared(manager, FIND_ACCOUNT, [accountId]);
    return rows.length === 1 ? toAccount(rows[0]) : null;
  }

  /** The copies of the accounts known, by id, in one statement. */
  async findByIds(manager: EntityManager, accountIds: string[]): Promise<Map<string, Account>> {
    const rows: AccountRow[] = await runPrepared(manager, FIND_ACCOUNTS, [accountIds]);
    return new Map(rows.map((row) => [row.account_id, toAccount(row)]));
  }

  /** licenseId → owning accountId, for the given licenses that any snapshot has named. */
  async ownersOf(manager: EntityManager, licenseIds: string[]): Promise<Map<string, string>> {
    if (licenseIds.length === 0) return new Map();
    const rows: { license_id: string; account_id: string }[] = await manager.query(
      'SELECT license_id, account_id FROM license_owners WHERE license_id = ANY($1::text[])',
      [licenseIds],
    );
    return new Map(rows.map((row) => [row.license_id, row.account_id]));
  }
}

/** What the copy keeps of a snapshot's holds, contracts and licenses. */
function copyOf(snapshot: AccountSnapshot): {
  holds: AccountHold[];
  contracts: AccountContract[];
  licenses: AccountLicense[];
} {
  return {
    holds: snapshot.holds.map((h) => ({
      holdId: h.holdId,
      category: h.category,
      state: h.state,
      ...(h.incidentResolved !== undefined ? { incidentResolved: h.incidentResolved } : {}),
      ...(h.requiredDocuments !== undefined ? { requiredDocuments: h.requiredDocuments } : {}),
    })),
    contracts: snapshot.contracts.map((c) => ({
      contractId: c.contractId,
      startsAt: c.startsAt,
      endsAt: c.endsAt,
    })),
    licenses: snapshot.licenses.map((l) => ({
      licenseId: l.licenseId,
      contractId: l.contractId,
      status: l.status,
      expiresAt: l.expiresAt,
    })),
  };
}

/** An accounts row as node-postgres returns it (bigint as a string). */
interface AccountRow {
  account_id: string;
  version: number;
  region: string;
  status: AccountStatus;
  outstanding_balance_minor: string;
  holds: AccountHold[];
  contracts: AccountContract[];
  licenses: AccountLicense[];
}

function toAccount(row: AccountRow): Account {
  return {
    accountId: row.account_id,
    version: row.version,
    region: row.region,
    status: row.status,
    outstandingBalanceMinor: Number(row.outstanding_balance_minor),
    holds: row.holds,
    contracts: row.contracts,
    licenses: row.licenses,
  };
}

const UPSERT_IF_NEWER = preparedStatement(
  `WITH applied AS (
     INSERT INTO accounts AS a (account_id, version, region, status, outstanding_balance_minor,
                                outstanding_balance_currency, holds, contracts, licenses, updated_at)
     SELECT s.account_id, s.version, s.region, s.status, s.balance, s.currency,
            c.copy -> 'holds', c.copy -> 'contracts', c.copy -> 'licenses', $8
       FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[])
              WITH ORDINALITY AS s(account_id, version, region, status, balance, currency, n),
            LATERAL (SELECT $7::jsonb -> (s.n::int - 1) AS copy) c
     ON CONFLICT (account_id) DO UPDATE SET
       version = EXCLUDED.version, region = EXCLUDED.region, status = EXCLUDED.status,
       outstanding_balance_minor = EXCLUDED.outstanding_balance_minor,
       outstanding_balance_currency = EXCLUDED.outstanding_balance_currency,
       holds = EXCLUDED.holds, contracts = EXCLUDED.contracts, licenses = EXCLUDED.licenses,
       updated_at = EXCLUDED.updated_at
     WHERE a.version < EXCLUDED.version
     RETURNING account_id
   ), named AS (
     SELECT * FROM unnest($9::text[], $10::text[]) AS n(account_id, license_id)
   ), unowned AS (
     -- disjoint from the licenses upserted below (no snapshot of the run names them): no row is
     -- touched twice
     DELETE FROM license_owners o USING applied
      WHERE o.account_id = applied.account_id AND NOT (o.license_id = ANY($10::text[]))
   ), owned AS (
     -- a row that already names its owner is left as it is (most snapshots name the same
     -- licenses as the one before): not written again
     INSERT INTO license_owners AS o (license_id, account_id)
     SELECT n.license_id, n.account_id FROM named n JOIN applied USING (account_id)
     ON CONFLICT (license_id) DO UPDATE SET account_id = EXCLUDED.account_id
     WHERE o.account_id <> EXCLUDED.account_id
   )
   SELECT count(*)::int AS applied FROM applied`,
);

const FIND_ACCOUNTS = preparedStatement(
  `SELECT account_id, version, region, status, outstanding_balance_minor, holds, contracts,
        licenses
   FROM accounts WHERE account_id = ANY($1::text[])`,
);

const FIND_ACCOUNT = preparedStatement(
  `SELECT account_id, version, region, status, outstanding_balance_minor, holds, contracts,
        licenses
   FROM accounts WHERE account_id = $1`,
);
