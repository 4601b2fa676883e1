import { AccountStatus } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { affected, returned } from '../raw-query-result';
import { GrantedEntitlement } from '../fingerprint/contract-terms.fingerprint';
import { AccountEntity } from './account.entity';
import { ContractEntitlementEntity } from './contract-entitlement.entity';
import { ContractEntity } from './contract.entity';
import { HoldEntity } from './hold.entity';
import { LicenseEntitlementEntity } from './license-entitlement.entity';
import { LicenseEntity } from './license.entity';

/** An account with everything it owns: the unit of import and of the AccountSnapshot. */
export interface AccountAggregate {
  account: AccountEntity;
  holds: HoldEntity[];
  contracts: { contract: ContractEntity; entitlements: ContractEntitlementEntity[] }[];
  licenses: { license: LicenseEntity; entitlements: LicenseEntitlementEntity[] }[];
}

/**
 * What an AccountSnapshot is made of: an aggregate, or the rows a transaction has already read and
 * changed (a reinstatement builds it without reloading the account).
 */
export interface AccountState {
  account: AccountEntity;
  holds: HoldEntity[];
  contracts: ContractWithGrants[];
  licenses: { license: LicenseEntity }[];
}

/** A contract with the entitlements it grants, as its rows read. */
export interface ContractWithGrants {
  contract: ContractEntity;
  entitlements: GrantedEntitlement[];
}

/** What an import writes in place of the account's current holds, contracts and licenses. */
export interface AccountContents {
  holds: HoldEntity[];
  contracts: ContractEntity[];
  contractEntitlements: ContractEntitlementEntity[];
  licenses: LicenseEntity[];
  licenseEntitlements: LicenseEntitlementEntity[];
}

type OwnedTable = 'holds' | 'contracts' | 'licenses';

/**
 * The account aggregate (account, holds, contracts, licenses, entitlements). Every method takes
 * the EntityManager of the caller's transaction.
 */
@Injectable()
export class AccountRepository {
  async find(manager: EntityManager, accountId: string): Promise<AccountEntity | null> {
    return manager.findOneBy(AccountEntity, { id: accountId });
  }

  /** Locks the account row: imports and reinstatements of one account never interleave. */
  async lock(manager: EntityManager, accountId: string): Promise<AccountEntity | null> {
    return manager
      .createQueryBuilder(AccountEntity, 'a')
      .setLock('pessimistic_write')
      .where('a.id = :accountId', { accountId })
      .getOne();
  }

  async loadAggregate(manager: EntityManager, accountId: string): Promise<AccountAggregate | null> {
    const account = await this.find(manager, accountId);
    if (!account) return null;
    // One after another: in a transaction all queries share one connection.
    const holds = await manager.find(HoldEntity, { where: { accountId }, order: { id: 'ASC' } });
    const contracts = await manager.find(ContractEntity, {
      where: { accountId },
      order: { id: 'ASC' },
    });
    const licenses = await manager.find(LicenseEntity, {
      where: { accountId },
      order: { id: 'ASC' },
    });
    const contractEntitlements = await this.contractEntitlements(
      manager,
      contracts.map((c) => c.id),
    );
    const licenseEntitlements = await manager.find(LicenseEntitlementEntity, {
      where: { licenseId: In(licenses.map((l) => l.id)) },
      order: { code: 'ASC' },
    });
    return {
      account,
      holds,
      contracts: contracts.map((contract) => ({
        contract,
        entitlements: contractEntitlements.filter((e) => e.contractId === contract.id),
      })),
      licenses: licenses.map((license) => ({
        license,
        entitlements: licenseEntitlements.filter((e) => e.licenseId === license.id),
      })),
    };
  }

  /** Ids among `ids` that belong to an account other than `accountId`. */
  async ownedByOthers(
    manager: EntityManager,
    table: OwnedTable,
    accountId: string,
    ids: string[],
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM ${table} WHERE id = ANY($1::text[]) AND account_id <> $2 ORDER BY id`,
      [ids, accountId],
    );
    return rows.map((row) => row.id);
  }

  /** Creates the account row if it is new (version 1), or writes its fields and bumps the version. */
  async upsertAccount(
    manager: EntityManager,
    account: Omit<AccountEntity, 'version'>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO accounts (id, region, status, outstanding_balance_minor, outstanding_balance_currency, version, updated_at)
       VALUES ($1, $2, $3, $4, $5, 1, $6)
       ON CONFLICT (id) DO UPDATE SET
         region = EXCLUDED.region,
         status = EXCLUDED.status,
         outstanding_balance_minor = EXCLUDED.outstanding_balance_minor,
         outstanding_balance_currency = EXCLUDED.outstanding_balance_currency,
         version = accounts.version + 1,
         updated_at = EXCLUDED.updated_at`,
      [
        account.id,
        account.region,
        account.status,
        account.outstandingBalanceMinor,
        account.outstandingBalanceCurrency,
        account.updatedAt,
      ],
    );
  }

  /** Replaces everything the account owns (the account row must be locked by the caller). */
  async replaceContents(
    manager: EntityManager,
    accountId: string,
    contents: AccountContents,
  ): Promise<void> {
    // Licenses first: they refer to contracts; entitlements go with their license or contract.
    await manager.delete(LicenseEntity, { accountId });
    await manager.delete(ContractEntity, { accountId });
    await manager.delete(HoldEntity, { accountId });
    if (contents.holds.length) await manager.insert(HoldEntity, contents.holds);
    if (contents.contracts.length) await manager.insert(ContractEntity, contents.contracts);
    if (contents.contractEntitlements.length) {
      await manager.insert(ContractEntitlementEntity, contents.contractEntitlements);
    }
    if (contents.licenses.length) await manager.insert(LicenseEntity, contents.licenses);
    if (contents.licenseEntitlements.length) {
      await manager.insert(LicenseEntitlementEntity, contents.licenseEntitlements);
    }
  }

  /**
   * Bumps the version after a change, setting the status too when one is given (one statement);
   * returns the new version and status.
   */
  async bumpVersion(
    manager: EntityManager,
    accountId: string,
    now: Date,
    status: AccountStatus | null = null,
  ): Promise<{ version: number; status: AccountStatus }> {
    const rows = returned<{ version: number; status: AccountStatus }>(
      await manager.query(
        `UPDATE accounts SET version = version + 1, updated_at = $2, status = COALESCE($3::text, status)
         WHERE id = $1 RETURNING version, status`,
        [accountId, now, status],
      ),
    );
    return rows[0];
  }

  /**
   * Locks the account's license rows and any row of the given ids (which may belong to someone
   * else), in id order so two transactions never lock them crosswise.
   */
  async lockLicenses(
    manager: EntityManager,
    accountId: string,
    licenseIds: string[],
  ): Promise<LicenseEntity[]> {
    return manager
      .createQueryBuilder(LicenseEntity, 'l')
      .setLock('pessimistic_write')
      .where('l.account_id = :accountId OR l.id IN (:...licenseIds)', {
        accountId,
        licenseIds: licenseIds.length ? licenseIds : [''],
      })
      .orderBy('l.id')
      .getMany();
  }

  /**
   * The contracts of the account and those of the given ids (which may belong to someone else),
   * each with the entitlements it grants, in one statement, by id.
   */
  async readContracts(
    manager: EntityManager,
    accountId: string | null,
    contractIds: string[],
  ): Promise<ContractWithGrants[]> {
    const rows: (ContractEntity & { entitlements: GrantedEntitlement[] })[] = await manager.query(
      `SELECT c.id, c.account_id AS "accountId", c.starts_at AS "startsAt", c.ends_at AS "endsAt",
              c.renewal_terms AS "renewalTerms", c.baseline_terms AS "baselineTerms",
              c.terms_fingerprint AS "termsFingerprint",
              COALESCE((SELECT json_agg(json_build_object('code', e.code, 'name', e.name) ORDER BY e.code)
                        FROM contract_entitlements e WHERE e.contract_id = c.id), '[]') AS entitlements
       FROM contracts c
       WHERE c.account_id = $1 OR c.id = ANY($2::text[])
       ORDER BY c.id`,
      [accountId, contractIds],
    );
    return rows.map(({ entitlements, ...contract }) => ({ contract, entitlements }));
  }

  /** The account's holds, by id. */
  async holdsOf(manager: EntityManager, accountId: string): Promise<HoldEntity[]> {
    return manager.query(
      `SELECT id, account_id AS "accountId", category, reason, state,
              incident_resolved AS "incidentResolved", required_documents AS "requiredDocuments",
              cleared_at AS "clearedAt", cleared_by_order_id AS "clearedByOrderId"
       FROM holds WHERE account_id = $1 ORDER BY id`,
      [accountId],
    );
  }

  async contractEntitlements(
    manager: EntityManager,
    contractIds: string[],
  ): Promise<ContractEntitlementEntity[]> {
    if (contractIds.length === 0) return [];
    return manager.find(ContractEntitlementEntity, {
      where: { contractId: In(contractIds) },
      order: { contractId: 'ASC', code: 'ASC' },
    });
  }

  /** SUSPENDED → ACTIVE, expiry untouched; returns the ids it switched on (only suspended ones). */
  async activate(
    manager: EntityManager,
    accountId: string,
    licenseIds: string[],
  ): Promise<string[]> {
    if (licenseIds.length === 0) return [];
    const rows = returned<{ id: string }>(
      await manager.query(
        `UPDATE licenses SET status = 'ACTIVE', suspended_at = NULL
         WHERE account_id = $1 AND id = ANY($2::text[]) AND status = 'SUSPENDED'
         RETURNING id`,
        [accountId, licenseIds],
      ),
    );
    return rows.map((row) => row.id);
  }

  /** ACTIVE → SUSPENDED (compensation), restoring the suspension time it had. */
  async resuspend(
    manager: EntityManager,
    licenseId: string,
    accountId: string,
    suspendedAt: Date | null,
  ): Promise<boolean> {
    const result = await manager.query<unknown>(
      `UPDATE licenses SET status = 'SUSPENDED', suspended_at = $3
       WHERE id = $1 AND account_id = $2 AND status = 'ACTIVE'`,
      [licenseId, accountId, suspendedAt],
    );
    return affected(result) === 1;
  }

  /** Sets each license's entitlements to exactly those given (none: the license has none). */
  async setLicenseEntitlements(
    manager: EntityManager,
    grants: { licenseId: string; entitlements: GrantedEntitlement[]; orderId: string | null }[],
    grantedAt: Date,
  ): Promise<void> {
    if (grants.length === 0) return;
    await manager.query('DELETE FROM license_entitlements WHERE license_id = ANY($1::text[])', [
      grants.map((g) => g.licenseId),
    ]);
    const rows = grants.flatMap(({ licenseId, entitlements, orderId }) =>
      entitlements.map((e) => ({ licenseId, code: e.code, name: e.name, orderId })),
    );
    if (rows.length === 0) return;
    // One set-based insert for every license (columns as arrays, zipped by unnest).
    await manager.query(
      `INSERT INTO license_entitlements (license_id, code, name, granted_at, restored_by_order_id)
       SELECT g.license_id, g.code, g.name, $5::timestamptz, g.order_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS g(license_id, code, name, order_id)`,
      [
        rows.map((r) => r.licenseId),
        rows.map((r) => r.code),
        rows.map((r) => r.name),
        rows.map((r) => r.orderId),
        grantedAt,
      ],
    );
  }

  /** Clears the given active holds of the account; returns the ids it cleared. */
  async clearHolds(
    manager: EntityManager,
    accountId: string,
    holdIds: string[],
    orderId: string,
    now: Date,
  ): Promise<string[]> {
    if (holdIds.length === 0) return [];
    const rows = returned<{ id: string }>(
      await manager.query(
        `UPDATE holds SET state = 'CLEARED', cleared_at = $4, cleared_by_order_id = $3
         WHERE account_id = $1 AND id = ANY($2::text[]) AND state = 'ACTIVE'
         RETURNING id`,
        [accountId, holdIds, orderId, now],
      ),
    );
    const cleared = new Set(rows.map((row) => row.id));
    return holdIds.filter((id) => cleared.has(id));
  }
}
