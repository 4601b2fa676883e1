import {
  EntitlementsRestored,
  LicenseReactivated,
  ReactivationFailed,
  ReasonCode,
} from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { LicensingError } from '../licensing.error';
import { ReinstatementRegistry } from '../registry/reinstatement.registry';
import { ReactivationCaseEntity } from './reactivation-case.entity';
import { ReactivationCaseRepository } from './reactivation-case.repository';
import { decideReinstatement } from './reinstatement.decision';

/**
 * Reinstates a case's licenses in ONE transaction (the caller's). It reads the registry's truth
 * under lock, decides on it (pure: `decideReinstatement`), and only then writes: all the licenses
 * with exactly the entitlements their contracts grant and the case's holds cleared; or, when the
 * truth has moved since eligibility verified the order, nothing in the registry and the case FAILED
 * with every reason (`ReactivationFailed`: billing refunds the order).
 */
@Injectable()
export class ReinstateLicensesUsecase {
  constructor(
    private readonly cases: ReactivationCaseRepository,
    private readonly registry: ReinstatementRegistry,
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
    const { orderId, accountId } = reactivation;
    const locked = await this.registry.lockForReinstatement(tx, accountId, reactivation.licenseIds);
    const decision = decideReinstatement({
      accountId,
      account: locked.account,
      holds: locked.holds,
      holdIds: reactivation.holdIds,
      licenseIds: reactivation.licenseIds,
      licenses: locked.licenses,
      contracts: locked.contracts,
      now: tx.now,
    });

    if (decision.kind === 'FAIL') {
      await this.fail(tx, reactivation, decision.reasons);
      return;
    }
    const written = await this.registry.reinstate(tx, locked, {
      orderId,
      licenses: decision.steps.map((step) => ({
        licenseId: step.license.licenseId,
        switchOn: step.outcome === 'REINSTATE',
        entitlements: step.entitlements,
      })),
      clearHoldIds: decision.clearHoldIds,
    });
    await this.complete(tx, orderId, {
      state: 'RESTORED',
      reasons: [],
      clearedHoldIds: written.clearedHoldIds,
    });
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
      contracts: written.contracts,
      termsUnchanged: true,
      clearedHoldIds: written.clearedHoldIds,
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

  /** The decision is known before any write: the registry is left as it is. */
  private async fail(
    tx: Transaction,
    reactivation: ReactivationCaseEntity,
    reasons: ReasonCode[],
  ): Promise<void> {
    const { orderId, accountId } = reactivation;
    await this.complete(tx, orderId, { state: 'FAILED', reasons, clearedHoldIds: [] });
    tx.publish(ReactivationFailed, {
      orderId,
      accountId,
      reasons,
      resuspendedLicenseIds: [],
      failedAt: tx.now.toISOString(),
    });
  }

  private async complete(
    tx: Transaction,
    orderId: string,
    outcome: { state: 'RESTORED' | 'FAILED'; reasons: ReasonCode[]; clearedHoldIds: string[] },
  ): Promise<void> {
    const done = await this.cases.complete(tx.manager, orderId, {
      ...outcome,
      resuspendedLicenseIds: [],
      completedAt: tx.now,
    });
    if (!done) {
      throw new LicensingError(
        'REGISTRY_INCONSISTENT',
        `reactivation ${orderId} was not ACTIVATING when it completed`,
      );
    }
  }
}
