import { AccountSnapshot, AccountStatus } from '@app/contracts';
import { preparedStatement, runPrepared } from '@app/platform';
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
    const holds: AccountHold[] = snapshot.holds.map((h) => ({
      holdId: h.holdId,
      category: h.category,
      state: h.state,
      ...(h.incidentResolved !== undefined ? { incidentResolved: h.incidentResolved } : {}),
      ...(h.requiredDocuments !== undefined ? { requiredDocuments: h.requiredDocuments } : {}),
    }));
    const contracts: AccountContract[] = snapshot.contracts.map((c) => ({
      contractId: c.contractId,
      startsAt: c.startsAt,
      endsAt: c.endsAt,
    }));
    const licenses: AccountLicense[] = snapshot.licenses.map((l) => ({
      licenseId: l.licenseId,
      contractId: l.contractId,
      status: l.status,
      expiresAt: l.expiresAt,
    }));
    // The copy and its license index in one statement; the index is only rewritten when the copy
    // was. A license moved between accounts belongs to whichever snapshot named it last.
    const rows: { applied: number }[] = await runPrepared(manager, UPSERT_IF_NEWER, [
      snapshot.accountId,
      snapshot.version,
      snapshot.region,
      snapshot.status,
      snapshot.outstandingBalance.amountMinor,
      snapshot.outstandingBalance.currency,
      JSON.stringify(holds),
      JSON.stringify(contracts),
      JSON.stringify(licenses),
      now,
      [...new Set(licenses.map((l) => l.licenseId))],
    ]);
    return rows[0].applied === 1;
  }

  async findById(manager: EntityManager, accountId: string): Promise<Account | null> {
    const rows: AccountRow[] = await runPrepared(manager, FIND_ACCOUNT, [accountId]);
    return rows.length === 1 ? toAccount(rows[0]) : null;
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
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10)
     ON CONFLICT (account_id) DO UPDATE SET
       version = EXCLUDED.version, region = EXCLUDED.region, status = EXCLUDED.status,
       outstanding_balance_minor = EXCLUDED.outstanding_balance_minor,
       outstanding_balance_currency = EXCLUDED.outstanding_balance_currency,
       holds = EXCLUDED.holds, contracts = EXCLUDED.contracts, licenses = EXCLUDED.licenses,
       updated_at = EXCLUDED.updated_at
     WHERE a.version < EXCLUDED.version
     RETURNING account_id
   ), unowned AS (
     -- disjoint from the licenses upserted below: no row is touched twice
     DELETE FROM license_owners o USING applied
      WHERE o.account_id = applied.account_id AND NOT (o.license_id = ANY($11::text[]))
   ), owned AS (
     INSERT INTO license_owners (license_id, account_id)
     SELECT l.license_id, applied.account_id FROM applied, unnest($11::text[]) AS l(license_id)
     ON CONFLICT (license_id) DO UPDATE SET account_id = EXCLUDED.account_id
   )
   SELECT count(*)::int AS applied FROM applied`,
);

const FIND_ACCOUNT = preparedStatement(
  `SELECT account_id, version, region, status, outstanding_balance_minor, holds, contracts,
        licenses
   FROM accounts WHERE account_id = $1`,
);
