import { ReactivationFailed } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { ReactivationCaseRepository } from './reactivation-case.repository';

export interface FailScheduledActivationCommand {
  orderId: string;
  /** The error's code and message, kept on the case for ops (never shown to the customer). */
  error: { code: string; message: string };
}

/**
 * A scheduled activation whose transaction failed permanently outside the reinstatement (which
 * fails its own case on its errors), e.g. claiming the case, cannot be retried into success. The
 * transaction rolled back, so the registry is untouched: the case fails with REACTIVATION_ERROR and
 * the saga goes to a refund, instead of the customer's money waiting on a case nobody runs again.
 */
@Injectable()
export class FailScheduledActivationUsecase {
  constructor(private readonly cases: ReactivationCaseRepository) {}

  /** False when the case was no longer SCHEDULED (another instance ran or failed it). */
  async execute(command: FailScheduledActivationCommand, tx: Transaction): Promise<boolean> {
    const note = `the activation failed: ${command.error.code}: ${command.error.message}`;
    const failed = await this.cases.failScheduled(
      tx.manager,
      command.orderId,
      ['REACTIVATION_ERROR'],
      note,
      tx.now,
    );
    if (!failed) return false;
    tx.publish(ReactivationFailed, {
      orderId: command.orderId,
      accountId: failed.accountId,
      reasons: ['REACTIVATION_ERROR'],
      resuspendedLicenseIds: [],
      failedAt: tx.now.toISOString(),
    });
    return true;
  }
}
