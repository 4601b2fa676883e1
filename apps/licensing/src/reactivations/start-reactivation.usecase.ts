import { ActivationScheduled } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { activationTiming, ChangeWindow } from './activation-timing';
import { ReactivationCaseEntity } from './reactivation-case.entity';
import { ReactivationCaseRepository } from './reactivation-case.repository';
import { ReinstateLicensesUsecase } from './reinstate-licenses.usecase';

export interface StartReactivationCommand {
  orderId: string;
  accountId: string;
  licenseIds: string[];
  holdIds: string[];
  changeWindow: ChangeWindow | null;
  verifiedAt: Date;
}

/**
 * A verified order becomes a reactivation case (one per order): scheduled for the start of its
 * change window when that lies ahead, otherwise reinstated at once in this transaction.
 */
@Injectable()
export class StartReactivationUsecase {
  constructor(
    private readonly cases: ReactivationCaseRepository,
    private readonly reinstate: ReinstateLicensesUsecase,
  ) {}

  /**
   * Several verified orders at once (a run of events in one transaction, each with its own `tx`
   * to publish from, all sharing one manager and clock): the cases are inserted in one statement
   * and those due now reinstated together (see ReinstateLicensesUsecase.executeAll).
   */
  async executeAll(
    commands: { command: StartReactivationCommand; tx: Transaction }[],
  ): Promise<void> {
    if (commands.length === 0) return;
    const started = commands.map(({ command, tx }) => ({ ...caseOf(command, tx.now), tx }));
    const created = await this.cases.insertAllIfNew(
      commands[0].tx.manager,
      started.map(({ reactivation }) => reactivation),
    );
    const activating: { reactivation: ReactivationCaseEntity; tx: Transaction }[] = [];
    for (const { reactivation, timing, tx } of started) {
      // A second EligibilityVerified for the same order (a replay under another event id, or the
      // same order twice in the run) changes nothing.
      if (!created.delete(reactivation.orderId)) continue;
      if (timing.mode === 'SCHEDULE') {
        tx.publish(ActivationScheduled, {
          orderId: reactivation.orderId,
          accountId: reactivation.accountId,
          scheduledFor: timing.at.toISOString(),
        });
      } else {
        activating.push({ reactivation, tx });
      }
    }
    await this.reinstate.executeAll(activating);
  }
}

/** The case a verified order opens, and when it is to be activated. */
function caseOf(
  command: StartReactivationCommand,
  now: Date,
): { reactivation: ReactivationCaseEntity; timing: ReturnType<typeof activationTiming> } {
  const timing = activationTiming(command.changeWindow, now);
  const windowMissed = timing.mode === 'NOW' && timing.windowMissed;
  return {
    timing,
    reactivation: {
      orderId: command.orderId,
      accountId: command.accountId,
      licenseIds: [...new Set(command.licenseIds)],
      holdIds: [...new Set(command.holdIds)],
      windowStartsAt: command.changeWindow?.startsAt ?? null,
      windowEndsAt: command.changeWindow?.endsAt ?? null,
      state: timing.mode === 'SCHEDULE' ? 'SCHEDULED' : 'ACTIVATING',
      scheduledFor: timing.mode === 'SCHEDULE' ? timing.at : null,
      windowMissed,
      reasons: [],
      resuspendedLicenseIds: [],
      clearedHoldIds: [],
      note: windowMissed
        ? 'the change window had ended when eligibility was verified; activated at once because the order was paid'
        : null,
      verifiedAt: command.verifiedAt,
      createdAt: now,
      completedAt: null,
    },
  };
}
