import {
  EntitlementsRestored,
  LicenseReactivated,
  ReactivationFailed,
  ReasonCode,
} from '@app/contracts';
import { errorCodeOf, isTransient, together, Transaction } from '@app/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { LicensingError } from '../licensing.error';
import { EntityManager } from 'typeorm';
import { ReinstatementRegistry, ReinstatementWritten } from '../registry/reinstatement.registry';
import { ReactivationCaseEntity } from './reactivation-case.entity';
import { CaseOutcome, ReactivationCaseRepository } from './reactivation-case.repository';
import { decideReinstatement, LicenseStep } from './reinstatement.decision';

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
   * Several cases at once, each just written ACTIVATING by the caller and with its own `tx` to
   * publish from (all sharing one manager and clock): the cases of distinct accounts are read,
   * decided and written together, a statement per table for all of them; the cases of an
   * account named twice in the run go one by one after them (each sees the other's writes).
   * Without a savepoint (one round trip less on the saga's path): an error of the reinstatement
   * itself fails the whole transaction, and the messaging runtime then retries its events one at
   * a time (`tx.retriedAlone`), each through `execute` and its savepoint, to a refund.
   */
  async executeAll(
    cases: { reactivation: ReactivationCaseEntity; tx: Transaction }[],
  ): Promise<void> {
    if (cases.some(({ tx }) => tx.retriedAlone)) {
      for (const { reactivation, tx } of cases) {
        await this.execute({ orderId: reactivation.orderId, reactivation }, tx);
      }
      return;
    }
    const perAccount = new Map<string, number>();
    for (const { reactivation } of cases) {
      perAccount.set(reactivation.accountId, (perAccount.get(reactivation.accountId) ?? 0) + 1);
    }
    const together = cases.filter(
      ({ reactivation }) => perAccount.get(reactivation.accountId) === 1,
    );
    if (together.length > 0) (await this.decideAndWrite(together))();
    for (const one of cases) {
      if (perAccount.get(one.reactivation.accountId) === 1) continue;
      (await this.decideAndWrite([one]))();
    }
  }

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
    // Not released after: the commit ends it, and a release was one more round trip on the
    // saga's path. A later case of the same transaction rolls back to its own, the newest.
    await tx.manager.query('SAVEPOINT reinstatement');
    let publish: () => void;
    try {
      publish = await this.decideAndWrite([{ reactivation, tx }]);
    } catch (error) {
      if (isTransient(error)) throw error;
      await tx.manager.query('ROLLBACK TO SAVEPOINT reinstatement');
      const code = errorCodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        { correlationId: reactivation.orderId, orderId: reactivation.orderId, code },
        `reinstatement failed, the saga goes to a refund: ${message}`,
      );
      await this.complete(tx.manager, [
        failed(
          reactivation,
          tx,
          ['REACTIVATION_ERROR'],
          `the reinstatement failed: ${code}: ${message}`,
        ),
      ]);
      publish = () => this.publishFailed(reactivation, ['REACTIVATION_ERROR'], tx);
    }
    publish();
  }

  /**
   * Reads the registry's truth under lock for the cases (of distinct accounts), decides each,
   * writes them all; returns what to publish.
   */
  private async decideAndWrite(
    cases: { reactivation: ReactivationCaseEntity; tx: Transaction }[],
  ): Promise<() => void> {
    const locked = await this.registry.lockForReinstatement(
      cases[0].tx,
      cases.map(({ reactivation }) => ({
        accountId: reactivation.accountId,
        licenseIds: reactivation.licenseIds,
      })),
    );
    const decided = cases.map(({ reactivation, tx }, i) => ({
      reactivation,
      tx,
      locked: locked[i],
      decision: decideReinstatement({
        accountId: reactivation.accountId,
        account: locked[i].account,
        holds: locked[i].holds,
        holdIds: reactivation.holdIds,
        licenseIds: reactivation.licenseIds,
        licenses: locked[i].licenses,
        contracts: locked[i].contracts,
        now: tx.now,
      }),
    }));
    const restoring = decided.flatMap(({ reactivation, tx, locked, decision }) =>
      decision.kind === 'RESTORE' ? [{ reactivation, tx, locked, decision }] : [],
    );
    // The registry's writes and their proof, then the cases' outcomes: sent together, one
    // round trip on the saga's path.
    const [written] = await together(
      restoring.length > 0
        ? this.registry.reinstate(
            restoring.map(({ reactivation, tx, locked, decision }) => ({
              locked,
              tx,
              plan: {
                orderId: reactivation.orderId,
                licenses: decision.steps.map((step) => ({
                  licenseId: step.license.licenseId,
                  switchOn: step.outcome === 'REINSTATE',
                  entitlements: step.entitlements,
                })),
                clearHoldIds: decision.clearHoldIds,
              },
            })),
          )
        : Promise.resolve([]),
      this.complete(
        cases[0].tx.manager,
        decided.map(({ reactivation, tx, decision }) =>
          decision.kind === 'FAIL'
            ? failed(reactivation, tx, decision.reasons)
            : {
                orderId: reactivation.orderId,
                outcome: {
                  state: 'RESTORED',
                  reasons: [],
                  clearedHoldIds: decision.clearHoldIds,
                  resuspendedLicenseIds: [],
                  note: null,
                  completedAt: tx.now,
                },
              },
        ),
      ),
    );
    const writtenOf = new Map(restoring.map(({ reactivation }, i) => [reactivation, written[i]]));
    return () => {
      for (const { reactivation, tx, decision } of decided) {
        if (decision.kind === 'FAIL') this.publishFailed(reactivation, decision.reasons, tx);
        else this.publishRestored(reactivation, decision.steps, writtenOf.get(reactivation)!, tx);
      }
    };
  }

  private publishRestored(
    { orderId, accountId }: ReactivationCaseEntity,
    steps: LicenseStep[],
    written: ReinstatementWritten,
    tx: Transaction,
  ): void {
    written.announce();
    tx.publish(EntitlementsRestored, {
      orderId,
      accountId,
      licenses: steps.map(({ license, entitlements }) => ({
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
    for (const { license, entitlements } of steps) {
      tx.publish(LicenseReactivated, {
        licenseId: license.licenseId,
        accountId,
        orderId,
        entitlements,
        expiresAt: license.expiresAt.toISOString(),
      });
    }
  }

  /** The registry is left as it is; the case failed with its reasons. */
  private publishFailed(
    { orderId, accountId }: ReactivationCaseEntity,
    reasons: ReasonCode[],
    tx: Transaction,
  ): void {
    tx.publish(ReactivationFailed, {
      orderId,
      accountId,
      reasons,
      resuspendedLicenseIds: [],
      failedAt: tx.now.toISOString(),
    });
  }

  private async complete(
    manager: EntityManager,
    outcomes: { orderId: string; outcome: CaseOutcome }[],
  ): Promise<void> {
    const done = await this.cases.completeAll(manager, outcomes);
    const notActivating = outcomes.filter(({ orderId }) => !done.has(orderId));
    if (notActivating.length > 0) {
      throw new LicensingError(
        'REGISTRY_INCONSISTENT',
        `reactivations ${notActivating.map((o) => o.orderId).join(', ')} were not ACTIVATING when they completed`,
      );
    }
  }
}

/** The case FAILED with its reasons (and why, when an error failed it). */
function failed(
  { orderId }: ReactivationCaseEntity,
  tx: Transaction,
  reasons: ReasonCode[],
  note: string | null = null,
): { orderId: string; outcome: CaseOutcome } {
  return {
    orderId,
    outcome: {
      state: 'FAILED',
      reasons,
      clearedHoldIds: [],
      resuspendedLicenseIds: [],
      note,
      completedAt: tx.now,
    },
  };
}
