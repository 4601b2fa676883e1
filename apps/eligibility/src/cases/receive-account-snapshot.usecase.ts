import { AccountSnapshot } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { ApplyAccountSnapshotUsecase } from '../accounts/apply-account-snapshot.usecase';
import { checkCommandOf } from './awaiting-account';
import { CaseRepository } from './case.repository';
import { CheckEligibilityUsecase } from './check-eligibility.usecase';

/**
 * Keeps the account copy current and, in the same transaction, decides the orders that came
 * before the account was known, in the order they came (the first may verify; the next then see
 * it open: REACTIVATION_IN_PROGRESS, as if the snapshot had come first).
 */
@Injectable()
export class ReceiveAccountSnapshotUsecase {
  constructor(
    private readonly applySnapshot: ApplyAccountSnapshotUsecase,
    private readonly cases: CaseRepository,
    private readonly checkEligibility: CheckEligibilityUsecase,
  ) {}

  async execute(command: AccountSnapshot, tx: Transaction): Promise<void> {
    await this.applySnapshot.execute(command, tx);
    // Even a stale snapshot (not applied) means the account is known: nothing should wait.
    const awaiting = await this.cases.findAwaitingOfAccount(tx.manager, command.accountId);
    for (const c of awaiting) await this.checkEligibility.execute(checkCommandOf(c), tx);
  }
}
