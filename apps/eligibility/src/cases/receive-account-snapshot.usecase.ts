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

  /**
   * Several snapshots at once (a run of events in one transaction, each with its own `tx` to
   * publish from, all sharing one manager and clock). Those of accounts named once in the run,
   * naming no license another one names, are applied in one statement and their accounts'
   * waiting orders found in one more (usually none); the others go one at a time afterwards, in
   * order (they touch other accounts' copies and index rows than the ones applied together).
   */
  async executeAll(commands: { command: AccountSnapshot; tx: Transaction }[]): Promise<void> {
    const accounts = new Map<string, number>();
    const licenses = new Map<string, number>();
    const count = (counts: Map<string, number>, key: string) =>
      counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const { command } of commands) {
      count(accounts, command.accountId);
      for (const id of new Set(command.licenses.map((l) => l.licenseId))) count(licenses, id);
    }
    const alone = ({ command }: { command: AccountSnapshot }) =>
      accounts.get(command.accountId) === 1 &&
      command.licenses.every((l) => licenses.get(l.licenseId) === 1);
    const together = commands.filter(alone);
    if (together.length > 1) {
      const { manager, now } = together[0].tx;
      await this.applySnapshot.executeAll(
        together.map(({ command }) => command),
        manager,
        now,
      );
      const txOf = new Map(together.map(({ command, tx }) => [command.accountId, tx]));
      await this.decideAwaiting([...txOf.keys()], txOf);
    }
    for (const item of commands) {
      if (together.length <= 1 || !alone(item)) await this.execute(item.command, item.tx);
    }
  }

  async execute(command: AccountSnapshot, tx: Transaction): Promise<void> {
    await this.applySnapshot.execute(command, tx);
    await this.decideAwaiting([command.accountId], new Map([[command.accountId, tx]]));
  }

  /** Even a stale snapshot (not applied) means the account is known: nothing should wait. */
  private async decideAwaiting(
    accountIds: string[],
    txOf: Map<string, Transaction>,
  ): Promise<void> {
    const { manager } = txOf.get(accountIds[0])!;
    const awaiting = await this.cases.findAwaitingOfAccounts(manager, accountIds);
    for (const c of awaiting) {
      await this.checkEligibility.execute(checkCommandOf(c), txOf.get(c.accountId)!);
    }
  }
}
