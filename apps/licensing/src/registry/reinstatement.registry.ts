import { AccountStatus, HoldCategory, LicenseStatus } from '@app/contracts';
import { together, Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import {
  contractTermsFingerprint,
  GrantedEntitlement,
} from '../fingerprint/contract-terms.fingerprint';
import { LicensingError } from '../licensing.error';
import { AccountSnapshotPublisher } from './account-snapshot.publisher';
import { termsOf } from './account.mapper';
import { AccountEntity } from './account.entity';
import { AccountRepository, ContractWithGrants } from './account.repository';
import { HoldEntity } from './hold.entity';
import { LicenseEntity } from './license.entity';

/** The account as the registry holds it now. */
export interface AccountFacts {
  status: AccountStatus;
  outstandingBalanceMinor: number;
}

export interface HoldFacts {
  holdId: string;
  category: HoldCategory;
  state: 'ACTIVE' | 'CLEARED';
  incidentResolved: boolean | null;
}

export interface LicenseFacts {
  licenseId: string;
  accountId: string;
  contractId: string;
  product: string;
  status: LicenseStatus;
  expiresAt: Date;
}

export interface ContractFacts {
  contractId: string;
  endsAt: Date;
  entitlements: GrantedEntitlement[];
  /** The baseline terms as the rows read now no longer match the fingerprint taken at import. */
  termsChanged: boolean;
}

/**
 * The registry's truth about one account, read under lock by the transaction that will write it:
 * nothing can change it before that transaction ends.
 */
export class LockedAccount {
  constructor(
    readonly accountId: string,
    readonly account: AccountFacts | null,
    readonly holds: HoldFacts[],
    /** The account's licenses and any other row of the ids asked for (whoever owns it). */
    readonly licenses: LicenseFacts[],
    /** The contracts of the licenses asked for. */
    readonly contracts: ContractFacts[],
    /** @internal the rows as read, for the writes and the snapshot. */
    readonly rows: LockedRows,
  ) {}
}

/** What a decided reinstatement writes. */
export interface ReinstatementPlan {
  orderId: string;
  /** Every license of the case with the entitlements its contract grants; `switchOn`: now SUSPENDED. */
  licenses: { licenseId: string; switchOn: boolean; entitlements: GrantedEntitlement[] }[];
  /** Active holds of the case to clear. */
  clearHoldIds: string[];
}

export interface ReinstatementWritten {
  clearedHoldIds: string[];
  /** The fingerprint of each contract of the case, equal before and after the writes. */
  contracts: { contractId: string; termsFingerprint: string }[];
  /**
   * Publishes the account's new snapshot. Left to the caller so that every write of the
   * reinstatement (the case's too) happens before anything is published: a failed write then
   * leaves nothing published to undo.
   */
  announce: () => void;
}

interface LockedRows {
  account: AccountEntity | null;
  holds: HoldEntity[];
  licenses: LicenseEntity[];
  /** The account's own contracts (for its snapshot). */
  contracts: ContractWithGrants[];
  /** Fingerprint of each contract of the case, from its rows as read. */
  fingerprints: Map<string, string>;
}

/**
 * The registry as reactivations see it: one port, two intents. Read the truth under lock; write a
 * reinstatement that was decided on it. Entities, SQL and the snapshot stay inside the registry.
 */
@Injectable()
export class ReinstatementRegistry {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly snapshots: AccountSnapshotPublisher,
  ) {}

  /**
   * For each case (of distinct accounts), in two statements for all of them: locks the accounts;
   * then locks their license rows and the cases' (by id) and reads what a decision needs.
   * Returns one LockedAccount per case, in the order given.
   */
  async lockForReinstatement(
    tx: Transaction,
    cases: { accountId: string; licenseIds: string[] }[],
  ): Promise<LockedAccount[]> {
    const { manager } = tx;
    const accountIds = [...new Set(cases.map((c) => c.accountId))].sort();
    const askedIds = [...new Set(cases.flatMap((c) => c.licenseIds))];
    // Lock order everywhere: case (the caller), account, licenses (by id). Both statements go
    // together, in that order (one round trip on the saga's path). One read serves the proof, the
    // decision and the snapshot: the accounts' holds, their contracts and the cases' (a case
    // license may name another account's contract).
    const [accounts, read] = await together(
      this.accounts.lockAll(manager, accountIds),
      this.accounts.lockLicensesAndRead(manager, accountIds, askedIds),
    );
    const licensesOf = cases.map(({ accountId, licenseIds }) =>
      read.licenses.filter((l) => l.accountId === accountId || licenseIds.includes(l.id)),
    );
    const caseContractIdsOf = cases.map(({ licenseIds }, i) => [
      ...new Set(licensesOf[i].filter((l) => licenseIds.includes(l.id)).map((l) => l.contractId)),
    ]);
    return cases.map(({ accountId }, i) => {
      const account = accounts.get(accountId) ?? null;
      const licenses = licensesOf[i];
      const holds = account ? read.holds.filter((hold) => hold.accountId === accountId) : [];
      const caseContracts = read.contracts.filter(({ contract }) =>
        caseContractIdsOf[i].includes(contract.id),
      );
      const fingerprints = fingerprintsOf(caseContracts);
      return new LockedAccount(
        accountId,
        account
          ? { status: account.status, outstandingBalanceMinor: account.outstandingBalanceMinor }
          : null,
        holds.map((hold) => ({
          holdId: hold.id,
          category: hold.category,
          state: hold.state,
          incidentResolved: hold.incidentResolved,
        })),
        licenses.map((l) => ({
          licenseId: l.id,
          accountId: l.accountId,
          contractId: l.contractId,
          product: l.product,
          status: l.status,
          expiresAt: l.expiresAt,
        })),
        caseContracts.map(({ contract, entitlements }) => ({
          contractId: contract.id,
          endsAt: contract.endsAt,
          entitlements,
          termsChanged: fingerprints.get(contract.id) !== contract.termsFingerprint,
        })),
        {
          account,
          licenses: licenses.filter((l) => l.accountId === accountId),
          holds,
          contracts: read.contracts.filter(({ contract }) => contract.accountId === accountId),
          fingerprints,
        },
      );
    });
  }

  /**
   * Writes reinstatements decided on what `lockForReinstatement` returned (of distinct accounts),
   * in the same transaction and one statement for all of them: licenses switched on with exactly
   * the entitlements given, the holds cleared, each account ACTIVE when no active hold of it
   * remains, the versions bumped; then the contracts' terms proven unchanged (read again, by the
   * statement sent right behind the write); each snapshot is published by its `announce` (see
   * ReinstatementWritten) from its case's `tx`. In the order given; all the `tx` share one manager
   * and clock. Both statements are sent before this first awaits: a caller may send its own
   * behind them (`together`).
   */
  async reinstate(
    reinstatements: { locked: LockedAccount; plan: ReinstatementPlan; tx: Transaction }[],
  ): Promise<ReinstatementWritten[]> {
    const { tx } = reinstatements[0];
    for (const { locked } of reinstatements) {
      if (!locked.rows.account) {
        throw new LicensingError(
          'REGISTRY_INCONSISTENT',
          `account ${locked.accountId} cannot be reinstated: not in the registry`,
        );
      }
    }
    // The account's holds as they will stand once the plan's are cleared (read under the
    // account's lock, they cannot change otherwise): whether it becomes ACTIVE, and its snapshot.
    const holdsAfter = new Map(
      reinstatements.map(({ locked, plan }) => [
        locked.accountId,
        locked.rows.holds.map((hold): HoldEntity =>
          hold.state === 'ACTIVE' && plan.clearHoldIds.includes(hold.id)
            ? { ...hold, state: 'CLEARED', clearedAt: tx.now, clearedByOrderId: plan.orderId }
            : hold,
        ),
      ]),
    );
    const switchOn = reinstatements.flatMap(({ locked, plan }) =>
      plan.licenses
        .filter((l) => l.switchOn)
        .map((l) => ({ accountId: locked.accountId, licenseId: l.licenseId })),
    );
    const clear = reinstatements.flatMap(({ locked, plan }) =>
      plan.clearHoldIds.map((holdId) => ({
        accountId: locked.accountId,
        holdId,
        orderId: plan.orderId,
      })),
    );
    const fingerprints = new Map(
      reinstatements.flatMap(({ locked }) => [...locked.rows.fingerprints]),
    );
    const [{ activated, cleared, bumped }, contractsAfter] = await together(
      this.accounts.writeReinstatements(
        tx.manager,
        {
          switchOn,
          // Already active ones are a no-op, but their entitlements are held to exactly what the
          // contract grants.
          grants: reinstatements.flatMap(({ plan }) =>
            plan.licenses.map((l) => ({
              licenseId: l.licenseId,
              entitlements: l.entitlements,
              orderId: l.switchOn ? plan.orderId : null,
            })),
          ),
          clear,
          accounts: reinstatements.map(({ locked }) => ({
            accountId: locked.accountId,
            status:
              locked.rows.account!.status !== 'ACTIVE' &&
              !holdsAfter.get(locked.accountId)!.some((hold) => hold.state === 'ACTIVE')
                ? 'ACTIVE'
                : null,
          })),
        },
        tx.now,
      ),
      this.accounts.readContracts(tx.manager, [], [...fingerprints.keys()]),
    );
    const notSwitched = switchOn.filter((l) => !activated.has(l.licenseId));
    if (notSwitched.length > 0) {
      throw new LicensingError(
        'REGISTRY_INCONSISTENT',
        `suspended licenses not switched on: ${notSwitched
          .map((l) => `${l.licenseId} of ${l.accountId}`)
          .join(', ')}`,
      );
    }
    const notCleared = clear.filter(({ holdId }) => !cleared.has(holdId));
    if (notCleared.length > 0) {
      throw new LicensingError(
        'REGISTRY_INCONSISTENT',
        `active holds not cleared: ${notCleared
          .map((c) => `${c.holdId} of ${c.accountId}`)
          .join(', ')}`,
      );
    }
    assertTermsUnchanged(fingerprints, contractsAfter);
    return reinstatements.map(({ locked, plan, tx: own }) => {
      const { accountId, rows } = locked;
      const switchedOn = new Set(plan.licenses.filter((l) => l.switchOn).map((l) => l.licenseId));
      return {
        clearedHoldIds: plan.clearHoldIds,
        contracts: [...rows.fingerprints].map(([contractId, termsFingerprint]) => ({
          contractId,
          termsFingerprint,
        })),
        announce: () =>
          this.publishSnapshot(
            own,
            rows,
            holdsAfter.get(accountId)!,
            bumped.get(accountId)!,
            (license) =>
              switchedOn.has(license.id)
                ? { ...license, status: 'ACTIVE', suspendedAt: null }
                : license,
          ),
      };
    });
  }

  private publishSnapshot(
    tx: Transaction,
    rows: LockedRows,
    holds: HoldEntity[],
    bumped: { version: number; status: AccountStatus },
    licenseNow: (license: LicenseEntity) => LicenseEntity,
  ): void {
    this.snapshots.publishState(tx, {
      account: { ...rows.account!, ...bumped, updatedAt: tx.now },
      holds,
      contracts: rows.contracts,
      licenses: rows.licenses.map((license) => ({ license: licenseNow(license) })),
    });
  }
}

/** Proves the reinstatement left every contract's baseline terms as they were: stored rows, read again. */
function assertTermsUnchanged(
  before: Map<string, string>,
  contractsAfter: ContractWithGrants[],
): void {
  const after = fingerprintsOf(contractsAfter);
  for (const [contractId, fingerprint] of before) {
    if (after.get(contractId) !== fingerprint) {
      throw new LicensingError(
        'CONTRACT_TERMS_ALTERED',
        `reinstating changed the baseline terms of contract ${contractId}; nothing was committed`,
      );
    }
  }
}

function fingerprintsOf(contracts: ContractWithGrants[]): Map<string, string> {
  return new Map(
    contracts.map(({ contract, entitlements }) => [
      contract.id,
      contractTermsFingerprint(termsOf(contract, entitlements)),
    ]),
  );
}
