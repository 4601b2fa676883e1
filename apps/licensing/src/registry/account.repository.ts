import { preparedStatement, runPrepared } from '@app/messaging';
import { AccountStatus } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
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
   * Locks the accounts' license rows and any row of the given ids (which may belong to someone
   * else), in id order so two transactions never lock them crosswise; and, in the same statement,
   * reads the accounts' holds and the contracts of the accounts and of the licenses of the given
   * ids (each with the entitlements it grants), all by id. The accounts must be locked by the
   * caller first: the statement's snapshot is then taken after that lock, so no import of theirs
   * can have committed holds or contracts it does not see.
   */
  async lockLicensesAndRead(
    manager: EntityManager,
    accountIds: string[],
    licenseIds: string[],
  ): Promise<{ licenses: LicenseEntity[]; holds: HoldEntity[]; contracts: ContractWithGrants[] }> {
    const [row]: { licenses: LicenseJson[]; holds: HoldJson[]; contracts: ContractJson[] }[] =
      await runPrepared(manager, LOCK_LICENSES_AND_READ, [accountIds, licenseIds]);
    return {
      licenses: row.licenses.map((license) => ({
        ...license,
        expiresAt: new Date(license.expiresAt),
        suspendedAt: license.suspendedAt === null ? null : new Date(license.suspendedAt),
      })),
      holds: row.holds.map((hold) => ({
        ...hold,
        clearedAt: hold.clearedAt === null ? null : new Date(hold.clearedAt),
      })),
      contracts: row.contracts.map(({ entitlements, ...contract }) => ({
        contract: {
          ...contract,
          startsAt: new Date(contract.startsAt),
          endsAt: new Date(contract.endsAt),
        },
        entitlements,
      })),
    };
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
   * Writes reinstatements in one statement: switches each license of `switchOn` that is its
   * account's and SUSPENDED to ACTIVE (expiry untouched); sets each granted license's
   * entitlements to exactly those given; clears the given holds that are active, each of its
   * account and by its order; bumps each account's version, setting its status where one is
   * given. Returns the ids it switched on and cleared, and each account's new version and status.
   */
  async writeReinstatements(
    manager: EntityManager,
    writes: {
      switchOn: { accountId: string; licenseId: string }[];
      grants: LicenseGrant[];
      clear: { accountId: string; holdId: string; orderId: string }[];
      accounts: { accountId: string; status: AccountStatus | null }[];
    },
    now: Date,
  ): Promise<{
    activated: Set<string>;
    cleared: Set<string>;
    bumped: Map<string, { version: number; status: AccountStatus }>;
  }> {
    const { switchOn, grants, clear, accounts } = writes;
    const rows = grants.flatMap(({ licenseId, entitlements, orderId }) =>
      entitlements.map((e) => ({ licenseId, code: e.code, name: e.name, orderId })),
    );
    // Columns as arrays, zipped by unnest: one set-based statement for every account.
    // One row: what was switched on and cleared, and each account's new version and status.
    const [written]: {
      activated: string[];
      cleared: string[];
      bumped: { id: string; version: number; status: AccountStatus }[];
    }[] = await runPrepared(manager, WRITE_REINSTATEMENTS, [
      switchOn.map((l) => l.accountId),
      switchOn.map((l) => l.licenseId),
      grants.map((g) => g.licenseId),
      rows.map((r) => r.licenseId),
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.orderId),
      now,
      clear.map((c) => c.accountId),
      clear.map((c) => c.holdId),
      clear.map((c) => c.orderId),
      accounts.map((a) => a.accountId),
      accounts.map((a) => a.status),
    ]);
    return {
      activated: new Set(written.activated),
      cleared: new Set(written.cleared),
      bumped: new Map(written.bumped.map(({ id, version, status }) => [id, { version, status }])),
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

/** Rows as the reading statement's JSON carries them (timestamps as ISO strings). */
type LicenseJson = Omit<LicenseEntity, 'expiresAt' | 'suspendedAt'> & {
  expiresAt: string;
  suspendedAt: string | null;
};
type HoldJson = Omit<HoldEntity, 'clearedAt'> & { clearedAt: string | null };
type ContractJson = Omit<ContractEntity, 'startsAt' | 'endsAt'> & {
  startsAt: string;
  endsAt: string;
  entitlements: GrantedEntitlement[];
};

const LOCK_ACCOUNTS = preparedStatement(
  `SELECT id, region, status, outstanding_balance_minor, outstanding_balance_currency, version,
          updated_at
     FROM accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
);

/** The grants of a contract, as JSON, for `c` a contracts row. */
const CONTRACT_GRANTS = `COALESCE((SELECT json_agg(json_build_object('code', e.code, 'name', e.name) ORDER BY e.code)
                    FROM contract_entitlements e WHERE e.contract_id = c.id), '[]')`;

const LOCK_LICENSES_AND_READ = preparedStatement(
  `WITH locked AS (
     SELECT id, account_id, contract_id, product, status, expires_at, suspended_at
       FROM licenses WHERE account_id = ANY($1::text[]) OR id = ANY($2::text[])
      ORDER BY id FOR UPDATE
   )
   SELECT
     COALESCE((SELECT json_agg(json_build_object(
                 'id', l.id, 'accountId', l.account_id, 'contractId', l.contract_id,
                 'product', l.product, 'status', l.status, 'expiresAt', l.expires_at,
                 'suspendedAt', l.suspended_at) ORDER BY l.id)
                 FROM locked l), '[]') AS licenses,
     COALESCE((SELECT json_agg(json_build_object(
                 'id', h.id, 'accountId', h.account_id, 'category', h.category,
                 'reason', h.reason, 'state', h.state, 'incidentResolved', h.incident_resolved,
                 'requiredDocuments', h.required_documents, 'clearedAt', h.cleared_at,
                 'clearedByOrderId', h.cleared_by_order_id) ORDER BY h.id)
                 FROM holds h WHERE h.account_id = ANY($1::text[])), '[]') AS holds,
     COALESCE((SELECT json_agg(json_build_object(
                 'id', c.id, 'accountId', c.account_id, 'startsAt', c.starts_at,
                 'endsAt', c.ends_at, 'renewalTerms', c.renewal_terms,
                 'baselineTerms', c.baseline_terms, 'termsFingerprint', c.terms_fingerprint,
                 'entitlements', ${CONTRACT_GRANTS}) ORDER BY c.id)
                 FROM contracts c
                -- One set of ids, each looked up by index: an OR with the subquery read
                -- every contract of the registry for each reinstatement.
                WHERE c.id IN (SELECT id FROM contracts WHERE account_id = ANY($1::text[])
                               UNION ALL
                               SELECT contract_id FROM locked WHERE id = ANY($2::text[]))), '[]')
       AS contracts`,
);

const READ_CONTRACTS = preparedStatement(
  `SELECT c.id, c.account_id AS "accountId", c.starts_at AS "startsAt", c.ends_at AS "endsAt",
          c.renewal_terms AS "renewalTerms", c.baseline_terms AS "baselineTerms",
          c.terms_fingerprint AS "termsFingerprint", ${CONTRACT_GRANTS} AS entitlements
   FROM contracts c
   WHERE c.account_id = ANY($1::text[]) OR c.id = ANY($2::text[])
   ORDER BY c.id`,
);

// Of a license's entitlements, those not granted any more are deleted and the granted ones
// written: each row is touched once, so the two parts cannot collide.
const WRITE_REINSTATEMENTS = preparedStatement(
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
   ), cleared AS (
     UPDATE holds h SET state = 'CLEARED', cleared_at = $8, cleared_by_order_id = c.order_id
       FROM unnest($9::text[], $10::text[], $11::text[]) AS c(account_id, id, order_id)
      WHERE h.account_id = c.account_id AND h.id = c.id AND h.state = 'ACTIVE'
     RETURNING h.id
   ), bumped AS (
     UPDATE accounts a
        SET version = a.version + 1, updated_at = $8, status = COALESCE(b.status, a.status)
       FROM unnest($12::text[], $13::text[]) AS b(id, status)
      WHERE a.id = b.id
     RETURNING a.id, a.version, a.status
   )
   SELECT ARRAY(SELECT id FROM activated) AS activated,
          ARRAY(SELECT id FROM cleared) AS cleared,
          COALESCE((SELECT json_agg(json_build_object('id', id, 'version', version, 'status', status))
                      FROM bumped), '[]') AS bumped`,
);
