import {
  AccountStatus,
  EntitlementsRestored,
  LicenseReactivated,
  LicenseResuspended,
  ReactivationFailed,
  ReasonCode,
} from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { contractTermsFingerprint } from '../fingerprint/contract-terms.fingerprint';
import { LicensingError } from '../licensing.error';
import { AccountSnapshotPublisher } from '../registry/account-snapshot.publisher';
import { termsOf } from '../registry/account.mapper';
import { AccountEntity } from '../registry/account.entity';
import {
  AccountRepository,
  ContractWithGrants,
  LicenseGrant,
} from '../registry/account.repository';
import { HoldEntity } from '../registry/hold.entity';
import { LicenseEntity } from '../registry/license.entity';
import { ReactivationCaseEntity } from './reactivation-case.entity';
import { ReactivationCaseRepository } from './reactivation-case.repository';
import { decideReinstatement, LicenseStep, ReinstatementDecision } from './reinstatement.decision';

type Reinstated = Extract<LicenseStep, { outcome: 'REINSTATE' }>;

/**
 * Reinstates a case's licenses in ONE transaction (the caller's): all of them, with exactly the
 * entitlements their contracts grant, the case's holds cleared, or none of them (anything switched
 * on is put back to SUSPENDED). The contracts' baseline terms are fingerprinted before and after:
 * a difference is a bug and nothing is committed.
 */
@Injectable()
export class ReinstateLicensesUsecase {
  constructor(
    private readonly cases: ReactivationCaseRepository,
    private readonly accounts: AccountRepository,
    private readonly snapshots: AccountSnapshotPublisher,
  ) {}

  /**
   * `reactivation`: the case as the caller has just written it in this transaction (ACTIVATING),
   * which saves reading it back; without it, it is read.
   */
  async execute(
    command: { orderId: string; reactivation?: ReactivationCaseEntity },
    tx: Transaction,
  ): Promise<void> {
    const reactivation =
      command.reactivation ?? (await this.cases.find(tx.manager, command.orderId));
    if (!reactivation || reactivation.state !== 'ACTIVATING') {
      throw new LicensingError(
        'REGISTRY_INCONSISTENT',
        `reactivation ${command.orderId} is ${reactivation?.state ?? 'missing'}, not ACTIVATING`,
      );
    }
    const { accountId } = reactivation;
    // Lock order everywhere: case, account, licenses (by id).
    const account = await this.accounts.lock(tx.manager, accountId);
    const licenses = await this.accounts.lockLicenses(
      tx.manager,
      accountId,
      reactivation.licenseIds,
    );
    const caseLicenses = licenses.filter((l) => reactivation.licenseIds.includes(l.id));
    const contractIds = [...new Set(caseLicenses.map((l) => l.contractId))].sort();
    // One read serves the proof, the decision and the snapshot: the account's contracts and the
    // case's (a case license may name another account's contract).
    const read = await this.accounts.readContracts(tx.manager, accountId, contractIds);
    const contracts = read.filter(({ contract }) => contractIds.includes(contract.id));
    const registry: RegistryRows = {
      account,
      licenses: licenses.filter((l) => l.accountId === accountId),
      contracts: read.filter(({ contract }) => contract.accountId === accountId),
    };
    const before = fingerprintsOf(contracts);
    // Terms that drifted from the fingerprint taken at import are never reinstated on.
    for (const { contract } of contracts) {
      if (before.get(contract.id) !== contract.termsFingerprint) {
        throw new LicensingError(
          'CONTRACT_TERMS_ALTERED',
          `contract ${contract.id} no longer matches the baseline terms it was imported with`,
        );
      }
    }

    const decision = decideReinstatement({
      accountId,
      accountStatus: account?.status ?? null,
      licenseIds: reactivation.licenseIds,
      licenses: licenses.map((l) => ({
        licenseId: l.id,
        accountId: l.accountId,
        contractId: l.contractId,
        product: l.product,
        status: l.status,
        expiresAt: l.expiresAt,
      })),
      contracts: contracts.map(({ contract, entitlements }) => ({
        contractId: contract.id,
        endsAt: contract.endsAt,
        entitlements,
      })),
      now: tx.now,
    });

    if (decision.kind === 'RESTORE') {
      await this.restore(tx, reactivation, registry, decision, before);
    } else {
      await this.fail(tx, reactivation, registry, decision, licenses);
      await this.assertTermsUnchanged(tx, before);
    }
  }

  private async restore(
    tx: Transaction,
    reactivation: ReactivationCaseEntity,
    registry: RegistryRows,
    decision: Extract<ReinstatementDecision, { kind: 'RESTORE' }>,
    before: Map<string, string>,
  ): Promise<void> {
    const { orderId, accountId } = reactivation;
    const reinstated = decision.steps.filter((s): s is Reinstated => s.outcome === 'REINSTATE');
    // Already active ones are a no-op, but their entitlements are held to exactly what the contract grants.
    await this.switchOn(
      tx,
      accountId,
      reinstated,
      decision.steps.map((step) => ({
        licenseId: step.license.licenseId,
        entitlements: step.entitlements,
        orderId: step.outcome === 'REINSTATE' ? orderId : null,
      })),
    );
    // The holds as they stand after clearing: whether the account becomes ACTIVE, and its snapshot.
    const { holds, clearedHoldIds } = await this.accounts.clearHoldsAndRead(
      tx.manager,
      accountId,
      reactivation.holdIds,
      orderId,
      tx.now,
    );
    const becomesActive =
      registry.account?.status !== 'ACTIVE' && !holds.some((hold) => hold.state === 'ACTIVE');
    await this.assertTermsUnchanged(tx, before);

    await this.complete(tx, orderId, {
      state: 'RESTORED',
      reasons: [],
      resuspendedLicenseIds: [],
      clearedHoldIds,
    });
    const bumped = await this.accounts.bumpVersion(
      tx.manager,
      accountId,
      tx.now,
      becomesActive ? 'ACTIVE' : null,
    );
    const switchedOn = new Set(reinstated.map((step) => step.license.licenseId));
    this.publishSnapshot(tx, accountId, registry, holds, bumped, (license) =>
      switchedOn.has(license.id) ? { ...license, status: 'ACTIVE', suspendedAt: null } : license,
    );
    tx.publish(EntitlementsRestored, {
      orderId,
      accountId,
      licenses: decision.steps.map(({ license, entitlements }) => ({
        licenseId: license.licenseId,
        contractId: license.contractId,
        product: license.product,
        expiresAt: license.expiresAt.toISOString(),
        entitlements,
      })),
      contracts: [...before].map(([contractId, termsFingerprint]) => ({
        contractId,
        termsFingerprint,
      })),
      termsUnchanged: true,
      clearedHoldIds,
      restoredAt: tx.now.toISOString(),
    });
    for (const { license, entitlements } of decision.steps) {
      tx.publish(LicenseReactivated, {
        licenseId: license.licenseId,
        accountId,
        orderId,
        entitlements,
        expiresAt: license.expiresAt.toISOString(),
      });
    }
  }

  /**
   * Licenses are switched on in case order until the one that fails its check; those switched on
   * are then put back to SUSPENDED as they were (explicit compensation), holds stay as they are.
   */
  private async fail(
    tx: Transaction,
    reactivation: ReactivationCaseEntity,
    registry: RegistryRows,
    decision: Extract<ReinstatementDecision, { kind: 'FAIL' }>,
    licenses: LicenseEntity[],
  ): Promise<void> {
    const { orderId, accountId } = reactivation;
    const switchedOn = decision.switchedOnBeforeFailure;
    await this.switchOn(
      tx,
      accountId,
      switchedOn,
      switchedOn.map((step) => ({
        licenseId: step.license.licenseId,
        entitlements: step.entitlements,
        orderId,
      })),
    );

    const reason: ReasonCode = decision.rejected[0].reason;
    for (const { license } of [...switchedOn].reverse()) {
      const original = licenses.find((l) => l.id === license.licenseId)!;
      if (
        !(await this.accounts.resuspend(
          tx.manager,
          license.licenseId,
          accountId,
          original.suspendedAt,
        ))
      ) {
        throw new LicensingError(
          'REGISTRY_INCONSISTENT',
          `license ${license.licenseId} was not active to re-suspend`,
        );
      }
      tx.publish(LicenseResuspended, { licenseId: license.licenseId, accountId, orderId, reason });
    }
    await this.accounts.setLicenseEntitlements(
      tx.manager,
      switchedOn.map((step) => ({
        licenseId: step.license.licenseId,
        entitlements: [],
        orderId: null,
      })),
      tx.now,
    );

    const resuspendedLicenseIds = decision.switchedOnBeforeFailure.map((s) => s.license.licenseId);
    await this.complete(tx, orderId, {
      state: 'FAILED',
      reasons: decision.reasons,
      resuspendedLicenseIds,
      clearedHoldIds: [],
    });
    if (resuspendedLicenseIds.length > 0) {
      const bumped = await this.accounts.bumpVersion(tx.manager, accountId, tx.now);
      const holds = await this.accounts.holdsOf(tx.manager, accountId);
      // Every license is back as it was locked: re-suspended ones with their original suspension.
      this.publishSnapshot(tx, accountId, registry, holds, bumped, (license) => license);
    }
    tx.publish(ReactivationFailed, {
      orderId,
      accountId,
      reasons: decision.reasons,
      resuspendedLicenseIds,
      failedAt: tx.now.toISOString(),
    });
  }

  /**
   * SUSPENDED → ACTIVE (expiry and contract untouched), all of them or it is a bug; with the
   * licenses' entitlements set as granted, in the same statement.
   */
  private async switchOn(
    tx: Transaction,
    accountId: string,
    steps: Reinstated[],
    grants: LicenseGrant[],
  ): Promise<void> {
    const wanted = steps.map((step) => step.license.licenseId);
    const switched = new Set(
      await this.accounts.activateAndEntitle(tx.manager, accountId, wanted, grants, tx.now),
    );
    const missed = wanted.filter((id) => !switched.has(id));
    if (missed.length > 0) {
      throw new LicensingError(
        'REGISTRY_INCONSISTENT',
        `licenses ${missed.join(', ')} were not suspended when switched on`,
      );
    }
  }

  private async complete(
    tx: Transaction,
    orderId: string,
    outcome: {
      state: 'RESTORED' | 'FAILED';
      reasons: ReasonCode[];
      resuspendedLicenseIds: string[];
      clearedHoldIds: string[];
    },
  ): Promise<void> {
    if (!(await this.cases.complete(tx.manager, orderId, { ...outcome, completedAt: tx.now }))) {
      throw new LicensingError(
        'REGISTRY_INCONSISTENT',
        `reactivation ${orderId} left ACTIVATING under us`,
      );
    }
  }

  /**
   * The AccountSnapshot from the rows this transaction locked, read and wrote (the account row and
   * its licenses are locked, nothing here writes contracts), not from a reload of the account.
   */
  private publishSnapshot(
    tx: Transaction,
    accountId: string,
    registry: RegistryRows,
    holds: HoldEntity[],
    bumped: { version: number; status: AccountStatus },
    licenseNow: (license: LicenseEntity) => LicenseEntity,
  ): void {
    if (!registry.account) {
      throw new LicensingError(
        'ACCOUNT_NOT_FOUND',
        `account ${accountId} vanished mid-transaction`,
      );
    }
    this.snapshots.publishState(tx, {
      account: { ...registry.account, ...bumped, updatedAt: tx.now },
      holds,
      contracts: registry.contracts,
      licenses: registry.licenses.map((license) => ({ license: licenseNow(license) })),
    });
  }

  /** Proves the reinstatement left every contract's baseline terms as they were: stored rows, read again. */
  private async assertTermsUnchanged(tx: Transaction, before: Map<string, string>): Promise<void> {
    const after = fingerprintsOf(
      await this.accounts.readContracts(tx.manager, null, [...before.keys()]),
    );
    for (const [contractId, fingerprint] of before) {
      if (after.get(contractId) !== fingerprint) {
        throw new LicensingError(
          'CONTRACT_TERMS_ALTERED',
          `reinstating changed the baseline terms of contract ${contractId}; nothing was committed`,
        );
      }
    }
  }
}

/** The account's rows as this transaction locked and read them, before it wrote anything. */
interface RegistryRows {
  account: AccountEntity | null;
  licenses: LicenseEntity[];
  contracts: ContractWithGrants[];
}

function fingerprintsOf(contracts: ContractWithGrants[]): Map<string, string> {
  return new Map(
    contracts.map(({ contract, entitlements }) => [
      contract.id,
      contractTermsFingerprint(termsOf(contract, entitlements)),
    ]),
  );
}
