import { AccountStatus } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { preparedStatement, returned, runPrepared } from '@app/platform';
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

/** The entitlements a license is to hold (none: it holds none), and the order restoring them. */
export interface LicenseGrant {
  licenseId: string;
  entitlements: GrantedEntitlement[];
  orderId: string | null;
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
    return (await this.lockAll(manager, [accountId])).get(accountId) ?? null;
  }

  /** Locks the rows of the accounts that exist (in id order: never crosswise), by id. */
  async lockAll(manager: EntityManager, accountIds: string[]): Promise<Map<string, AccountEntity>> {
    const rows: AccountRow[] = await runPrepared(manager, LOCK_ACCOUNTS, [accountIds]);
    return new Map(rows.map((row) => [row.id, toAccount(row)]));
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
   * Bumps each account's version after a change, setting its status too when one is given (one
   * statement for all); returns the new version and status by account id.
   */
  async bumpVersions(
    manager: EntityManager,
    accounts: { accountId: string; status: AccountStatus | null }[],
    now: Date,
  ): Promise<Map<string, { version: number; status: AccountStatus }>> {
    const rows = returned<{ id: string; version: number; status: AccountStatus }>(
      await runPrepared(manager, BUMP_VERSIONS, [
        accounts.map((a) => a.accountId),
        accounts.map((a) => a.status),
        now,
      ]),
    );
    return new Map(rows.map(({ id, version, status }) => [id, { version, status }]));
  }

  /**
   * Locks the accounts' license rows and any row of the given ids (which may belong to someone
   * else), in id order so two transactions never lock them crosswise.
   */
  async lockLicenses(
    manager: EntityManager,
    accountIds: string[],
    licenseIds: string[],
  ): Promise<LicenseEntity[]> {
    const rows: LicenseRow[] = await runPrepared(manager, LOCK_LICENSES, [accountIds, licenseIds]);
    return rows.map(toLicense);
  }

  /**
   * The contracts of the accounts and those of the given ids (which may belong to someone else),
   * each with the entitlements it grants, in one statement, by id.
   */
  async readContracts(
    manager: EntityManager,
    accountIds: string[],
    contractIds: string[],
  ): Promise<ContractWithGrants[]> {
    const rows: (ContractEntity & { entitlements: GrantedEntitlement[] })[] = await runPrepared(
      manager,
      READ_CONTRACTS,
      [accountIds, contractIds],
    );
    return rows.map(({ entitlements, ...contract }) => ({ contract, entitlements }));
  }

  /** The accounts' holds, by id. */
  async holdsOf(manager: EntityManager, accountIds: string[]): Promise<HoldEntity[]> {
    return runPrepared(manager, HOLDS_OF, [accountIds]);
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

  /**
   * In one statement: switches each license of `switchOn` that is its account's and SUSPENDED to
   * ACTIVE (expiry untouched) and sets each granted license's entitlements to exactly those
   * given. Returns the ids it switched on.
   */
  async activateAndEntitle(
    manager: EntityManager,
    switchOn: { accountId: string; licenseId: string }[],
    grants: LicenseGrant[],
    grantedAt: Date,
  ): Promise<string[]> {
    if (switchOn.length === 0 && grants.length === 0) return [];
    const rows = grants.flatMap(({ licenseId, entitlements, orderId }) =>
      entitlements.map((e) => ({ licenseId, code: e.code, name: e.name, orderId })),
    );
    // Columns as arrays, zipped by unnest: one set-based statement for every license. Of a
    // license's entitlements, those not granted any more are deleted and the granted ones written:
    // each row is touched once, so the two parts cannot collide.
    const activated: { id: string }[] = await runPrepared(manager, ACTIVATE_AND_ENTITLE, [
      switchOn.map((l) => l.accountId),
      switchOn.map((l) => l.licenseId),
      grants.map((g) => g.licenseId),
      rows.map((r) => r.licenseId),
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.orderId),
      grantedAt,
    ]);
    return activated.map((row) => row.id);
  }

  /**
   * Clears the given active holds, each of its account and by its order, and reads all the
   * accounts' holds as they stand after that (by id), in one statement; `cleared`: the ids of
   * those it cleared.
   */
  async clearHoldsAndRead(
    manager: EntityManager,
    accountIds: string[],
    clear: { accountId: string; holdId: string; orderId: string }[],
    now: Date,
  ): Promise<{ holds: HoldEntity[]; cleared: Set<string> }> {
    // The outer SELECT sees the rows as before the UPDATE: the cleared ones are taken from it.
    const rows: (HoldEntity & { cleared: boolean })[] = await runPrepared(
      manager,
      CLEAR_HOLDS_AND_READ,
      [
        accountIds,
        clear.map((c) => c.accountId),
        clear.map((c) => c.holdId),
        clear.map((c) => c.orderId),
        now,
      ],
    );
    return {
      holds: rows.map(({ cleared: _cleared, ...hold }) => hold),
      cleared: new Set(rows.filter((row) => row.cleared).map((row) => row.id)),
    };
  }
}

/** An accounts row as node-postgres returns it (bigint as a string). */
interface AccountRow {
  id: string;
  region: string;
  status: AccountStatus;
  outstanding_balance_minor: string;
  outstanding_balance_currency: string;
  version: number;
  updated_at: Date;
}

function toAccount(row: AccountRow): AccountEntity {
  return {
    id: row.id,
    region: row.region,
    status: row.status,
    outstandingBalanceMinor: Number(row.outstanding_balance_minor),
    outstandingBalanceCurrency: row.outstanding_balance_currency,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

/** A licenses row as node-postgres returns it. */
interface LicenseRow {
  id: string;
  account_id: string;
  contract_id: string;
  product: string;
  status: LicenseEntity['status'];
  expires_at: Date;
  suspended_at: Date | null;
}

function toLicense(row: LicenseRow): LicenseEntity {
  return {
    id: row.id,
    accountId: row.account_id,
    contractId: row.contract_id,
    product: row.product,
    status: row.status,
    expiresAt: row.expires_at,
    suspendedAt: row.suspended_at,
  };
}

const LOCK_ACCOUNTS = preparedStatement(
  `SELECT id, region, status, outstanding_balance_minor, outstanding_balance_currency, version,
          updated_at
     FROM accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
);

const BUMP_VERSIONS = preparedStatement(
  `UPDATE accounts a
      SET version = a.version + 1, updated_at = $3, status = COALESCE(b.status, a.status)
     FROM unnest($1::text[], $2::text[]) AS b(id, status)
    WHERE a.id = b.id
   RETURNING a.id, a.version, a.status`,
);

const LOCK_LICENSES = preparedStatement(
  `SELECT id, account_id, contract_id, product, status, expires_at, suspended_at
    FROM licenses WHERE account_id = ANY($1::text[]) OR id = ANY($2::text[])
   ORDER BY id FOR UPDATE`,
);

const HOLDS_OF = preparedStatement(
  `SELECT id, account_id AS "accountId", category, reason, state,
          incident_resolved AS "incidentResolved", required_documents AS "requiredDocuments",
          cleared_at AS "clearedAt", cleared_by_order_id AS "clearedByOrderId"
     FROM holds WHERE account_id = ANY($1::text[]) ORDER BY id`,
);

const READ_CONTRACTS = preparedStatement(
  `SELECT c.id, c.account_id AS "accountId", c.starts_at AS "startsAt", c.ends_at AS "endsAt",
          c.renewal_terms AS "renewalTerms", c.baseline_terms AS "baselineTerms",
          c.terms_fingerprint AS "termsFingerprint",
          COALESCE((SELECT json_agg(json_build_object('code', e.code, 'name', e.name) ORDER BY e.code)
                    FROM contract_entitlements e WHERE e.contract_id = c.id), '[]') AS entitlements
   FROM contracts c
   WHERE c.account_id = ANY($1::text[]) OR c.id = ANY($2::text[])
   ORDER BY c.id`,
);

const ACTIVATE_AND_ENTITLE = preparedStatement(
  `WITH activated AS (
     UPDATE licenses l SET status = 'ACTIVE', suspended_at = NULL
       FROM unnest($1::text[], $2::text[]) AS s(account_id, id)
      WHERE l.account_id = s.account_id AND l.id = s.id AND l.status = 'SUSPENDED'
     RETURNING l.id
   ), granted AS (
     SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[])
                     AS g(license_id, code, name, order_id)
   ), revoked AS (
     DELETE FROM license_entitlements e
      WHERE e.license_id = ANY($3::text[])
        AND NOT EXISTS (SELECT 1 FROM granted g
                         WHERE g.license_id = e.license_id AND g.code = e.code)
   ), written AS (
     INSERT INTO license_entitlements (license_id, code, name, granted_at, restored_by_order_id)
     SELECT g.license_id, g.code, g.name, $8::timestamptz, g.order_id FROM granted g
     ON CONFLICT (license_id, code) DO UPDATE SET
       name = EXCLUDED.name, granted_at = EXCLUDED.granted_at,
       restored_by_order_id = EXCLUDED.restored_by_order_id
   )
   SELECT id FROM activated`,
);

const CLEAR_HOLDS_AND_READ = preparedStatement(
  `WITH cleared AS (
     UPDATE holds h SET state = 'CLEARED', cleared_at = $5, cleared_by_order_id = c.order_id
       FROM unnest($2::text[], $3::text[], $4::text[]) AS c(account_id, id, order_id)
      WHERE h.account_id = c.account_id AND h.id = c.id AND h.state = 'ACTIVE'
     RETURNING h.id, h.state, h.cleared_at, h.cleared_by_order_id
   )
   SELECT h.id, h.account_id AS "accountId", h.category, h.reason,
          COALESCE(c.state, h.state) AS state,
          h.incident_resolved AS "incidentResolved", h.required_documents AS "requiredDocuments",
          CASE WHEN c.id IS NULL THEN h.cleared_at ELSE c.cleared_at END AS "clearedAt",
          CASE WHEN c.id IS NULL THEN h.cleared_by_order_id ELSE c.cleared_by_order_id END
            AS "clearedByOrderId",
          c.id IS NOT NULL AS cleared
     FROM holds h LEFT JOIN cleared c ON c.id = h.id
    WHERE h.account_id = ANY($1::text[])
    ORDER BY h.id`,
);
