import {
  EntitlementsRestored,
  LicenseReactivated,
  ReactivationFailed,
  ReasonCode,
} from '@app/contracts';
import { errorCodeOf, isTransient, Transaction } from '@app/messaging';
import { Injectable, Logger } from '@nestjs/common';
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
 * with every reason (`ReactivationFailed`: billing refunds the order). An error of the
 * reinstatement itself fails the case too (REACTIVATION_ERROR): it never strands the saga.
 */
@Injectable()
export class ReinstateLicensesUsecase {
  private readonly logger = new Logger(ReinstateLicensesUsecase.name);

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
    // Whatever goes wrong inside the reinstatement itself (an error, not a rule: the rules are
    // decided), the customer's money must not stay with a case nobody runs again: its writes are
    // undone to the savepoint and the case fails to a refund. Every write comes before every
    // publish, so nothing published needs undoing. A transient error is the caller's to retry.
    await tx.manager.query('SAVEPOINT reinstatement');
    let publish: () => void;
    try {
      publish = await this.decideAndWrite(reactivation, tx);
      await tx.manager.query('RELEASE SAVEPOINT reinstatement');
    } catch (error) {
      if (isTransient(error)) throw error;
      await tx.manager.query('ROLLBACK TO SAVEPOINT reinstatement');
      const code = errorCodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        { correlationId: reactivation.orderId, orderId: reactivation.orderId, code },
        `reinstatement failed, the saga goes to a refund: ${message}`,
      );
      publish = await this.fail(tx, reactivation, ['REACTIVATION_ERROR'], {
        note: `the reinstatement failed: ${code}: ${message}`,
      });
    }
    publish();
  }

  /** Reads the registry's truth under lock, decides, writes; returns what to publish. */
  private async decideAndWrite(
    reactivation: ReactivationCaseEntity,
    tx: Transaction,
  ): Promise<() => void> {
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
    if (decision.kind === 'FAIL') return this.fail(tx, reactivation, decision.reasons);

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
    return () => {
      written.announce();
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
    };
  }

  /** The registry is left as it is; the case fails with its reasons. Returns what to publish. */
  private async fail(
    tx: Transaction,
    reactivation: ReactivationCaseEntity,
    reasons: ReasonCode[],
    options: { note?: string } = {},
  ): Promise<() => void> {
    const { orderId, accountId } = reactivation;
    await this.complete(tx, orderId, {
      state: 'FAILED',
      reasons,
      clearedHoldIds: [],
      note: options.note,
    });
    return () => {
      tx.publish(ReactivationFailed, {
        orderId,
        accountId,
        reasons,
        resuspendedLicenseIds: [],
        failedAt: tx.now.toISOString(),
      });
    };
  }

  private async complete(
    tx: Transaction,
    orderId: string,
    outcome: {
      state: 'RESTORED' | 'FAILED';
      reasons: ReasonCode[];
      clearedHoldIds: string[];
      note?: string;
    },
  ): Promise<void> {
    const done = await this.cases.complete(tx.manager, orderId, {
      ...outcome,
      note: outcome.note ?? null,
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
