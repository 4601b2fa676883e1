import { AccountSnapshot } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
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
}
