import { AccountSnapshot } from '@app/contracts';
import { together, Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { ApplyAccountSnapshotUsecase } from '../accounts/apply-account-snapshot.usecase';
import { checkCommandOf } from './awaiting-account';
import { CaseRepository } from './case.repository';
import { CheckEligibilityUsecase } from './check-eligibility.usecase';
import { EligibilityCaseEntity } from './eligibility-case.entity';

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
    const applied = commands.filter(alone);
    if (applied.length > 1) {
      const { manager, now } = applied[0].tx;
      const txOf = new Map(applied.map(({ command, tx }) => [command.accountId, tx]));
      // The copies and their waiting orders in one round trip (the orders' lookup needs nothing
      // of the upsert's answer).
      const [, awaiting] = await together(
        this.applySnapshot.executeAll(
          applied.map(({ command }) => command),
          manager,
          now,
        ),
        this.cases.findAwaitingOfAccounts(manager, [...txOf.keys()]),
      );
      await this.decideAwaiting(awaiting, txOf);
    }
    for (const item of commands) {
      if (applied.length <= 1 || !alone(item)) await this.execute(item.command, item.tx);
    }
  }

  async execute(command: AccountSnapshot, tx: Transaction): Promise<void> {
    const [, awaiting] = await together(
      this.applySnapshot.execute(command, tx),
      this.cases.findAwaitingOfAccounts(tx.manager, [command.accountId]),
    );
    await this.decideAwaiting(awaiting, new Map([[command.accountId, tx]]));
  }

  /**
   * Even a stale snapshot (not applied) means the account is known: nothing should wait. The
   * orders are checked once the copy is written, on it.
   */
  private async decideAwaiting(
    awaiting: EligibilityCaseEntity[],
    txOf: Map<string, Transaction>,
  ): Promise<void> {
    for (const c of awaiting) {
      await this.checkEligibility.execute(checkCommandOf(c), txOf.get(c.accountId)!);
    }
  }
}
