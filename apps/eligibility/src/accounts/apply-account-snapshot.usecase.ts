import { AccountSnapshot } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountRepository } from './account.repository';

export type ApplyAccountSnapshotCommand = AccountSnapshot;

/** Keeps the local copy of an account current: newer snapshots replace it, older ones are ignored. */
@Injectable()
export class ApplyAccountSnapshotUsecase {
  constructor(private readonly accounts: AccountRepository) {}

  async execute(
    command: ApplyAccountSnapshotCommand,
    tx: Transaction,
  ): Promise<{ applied: boolean }> {
    const applied = await this.accounts.upsertIfNewer(tx.manager, command, tx.now);
    return { applied };
  }

  /**
   * Snapshots of distinct accounts, none naming a license another one names (so their order does
   * not matter), applied in one statement in the transaction the `manager` belongs to.
   */
  async executeAll(
    commands: ApplyAccountSnapshotCommand[],
    manager: EntityManager,
    now: Date,
  ): Promise<void> {
    await this.accounts.upsertAllIfNewer(manager, commands, now);
  }
}
