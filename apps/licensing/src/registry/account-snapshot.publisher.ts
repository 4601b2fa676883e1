import { AccountSnapshot } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { LicensingError } from '../licensing.error';
import { toAccountSnapshot } from './account.mapper';
import { AccountRepository, AccountState } from './account.repository';

/**
 * Publishes the account's full current state, in the transaction that changed it (outbox), to the
 * compacted accounts topic. Callers bump the version first, so every change has its own version.
 */
@Injectable()
export class AccountSnapshotPublisher {
  constructor(private readonly accounts: AccountRepository) {}

  async publish(tx: Transaction, accountId: string): Promise<void> {
    const aggregate = await this.accounts.loadAggregate(tx.manager, accountId);
    if (!aggregate)
      throw new LicensingError(
        'ACCOUNT_NOT_FOUND',
        `account ${accountId} vanished mid-transaction`,
      );
    this.publishState(tx, aggregate);
  }

  /** Publishes from rows the caller's transaction already holds (they must be its current state). */
  publishState(tx: Transaction, state: AccountState): void {
    tx.publish(AccountSnapshot, toAccountSnapshot(state));
  }
}
