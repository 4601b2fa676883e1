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

  async execute(command: StartReactivationCommand, tx: Transaction): Promise<void> {
    const timing = activationTiming(command.changeWindow, tx.now);
    const windowMissed = timing.mode === 'NOW' && timing.windowMissed;
    const reactivation: ReactivationCaseEntity = {
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
      createdAt: tx.now,
      completedAt: null,
    };
    const created = await this.cases.insertIfNew(tx.manager, reactivation);
    // A second EligibilityVerified for the same order (a replay under another event id) changes nothing.
    if (!created) return;

    if (timing.mode === 'SCHEDULE') {
      tx.publish(ActivationScheduled, {
        orderId: command.orderId,
        accountId: command.accountId,
        scheduledFor: timing.at.toISOString(),
      });
      return;
    }
    await this.reinstate.execute({ orderId: command.orderId, reactivation }, tx);
  }
}
