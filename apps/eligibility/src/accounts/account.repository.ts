import { AccountSnapshot } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountEntity } from './account.entity';
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
    const applied: unknown[] = await manager.query(
      `INSERT INTO accounts AS a (account_id, version, region, status, outstanding_balance_minor,
                                  outstanding_balance_currency, holds, contracts, licenses, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10)
       ON CONFLICT (account_id) DO UPDATE SET
         version = EXCLUDED.version, region = EXCLUDED.region, status = EXCLUDED.status,
         outstanding_balance_minor = EXCLUDED.outstanding_balance_minor,
         outstanding_balance_currency = EXCLUDED.outstanding_balance_currency,
         holds = EXCLUDED.holds, contracts = EXCLUDED.contracts, licenses = EXCLUDED.licenses,
         updated_at = EXCLUDED.updated_at
       WHERE a.version < EXCLUDED.version
       RETURNING account_id`,
      [
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
      ],
    );
    if (applied.length === 0) return false;
    await this.reindexLicenses(manager, snapshot.accountId, [
      ...new Set(licenses.map((l) => l.licenseId)),
    ]);
    return true;
  }

  async findById(manager: EntityManager, accountId: string): Promise<Account | null> {
    const entity = await manager.findOneBy(AccountEntity, { accountId });
    return entity ? toAccount(entity) : null;
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

  private async reindexLicenses(
    manager: EntityManager,
    accountId: string,
    licenseIds: string[],
  ): Promise<void> {
    await manager.query(
      'DELETE FROM license_owners WHERE account_id = $1 AND NOT (license_id = ANY($2::text[]))',
      [accountId, licenseIds],
    );
    if (licenseIds.length === 0) return;
    // A license moved between accounts belongs to whichever snapshot named it last.
    await manager.query(
      `INSERT INTO license_owners (license_id, account_id)
       SELECT unnest($1::text[]), $2
       ON CONFLICT (license_id) DO UPDATE SET account_id = EXCLUDED.account_id`,
      [licenseIds, accountId],
    );
  }
}

function toAccount(entity: AccountEntity): Account {
  return {
    accountId: entity.accountId,
    version: entity.version,
    region: entity.region,
    status: entity.status,
    outstandingBalanceMinor: entity.outstandingBalanceMinor,
    holds: entity.holds,
    contracts: entity.contracts,
    licenses: entity.licenses,
  };
}
