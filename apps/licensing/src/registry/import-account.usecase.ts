import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { LicensingError, LicensingErrorCode } from '../licensing.error';
import { AccountImportDto } from './account-import.dto';
import { importProblems } from './account-import.rules';
import { AccountView, contentsFromImport, toAccountView } from './account.mapper';
import { AccountRepository } from './account.repository';
import { AccountSnapshotPublisher } from './account-snapshot.publisher';

export interface ImportAccountCommand {
  accountId: string;
  account: AccountImportDto;
}

/**
 * Ops import an account whole: its fields, holds, contracts and licenses replace what the registry
 * held. The version is bumped and the AccountSnapshot published in the same transaction.
 */
@Injectable()
export class ImportAccountUsecase {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly snapshots: AccountSnapshotPublisher,
  ) {}

  async execute(command: ImportAccountCommand, tx: Transaction): Promise<AccountView> {
    const { accountId, account } = command;
    const problems = importProblems(account);
    if (problems.length > 0) {
      throw new LicensingError('INVALID_ACCOUNT', `account ${accountId} is not valid`, problems);
    }
    await this.assertOwnedByNobodyElse(tx, command);

    await this.accounts.upsertAccount(tx.manager, {
      id: accountId,
      region: account.region,
      status: account.status,
      outstandingBalanceMinor: account.outstandingBalance.amountMinor,
      outstandingBalanceCurrency: account.outstandingBalance.currency,
      updatedAt: tx.now,
    });
    await this.accounts.lock(tx.manager, accountId);
    await this.accounts.replaceContents(
      tx.manager,
      accountId,
      contentsFromImport(accountId, account, tx.now),
    );
    await this.snapshots.publish(tx, accountId);

    const aggregate = await this.accounts.loadAggregate(tx.manager, accountId);
    return toAccountView(aggregate!);
  }

  private async assertOwnedByNobodyElse(
    tx: Transaction,
    { accountId, account }: ImportAccountCommand,
  ) {
    const checks: [LicensingErrorCode, 'licenses' | 'contracts' | 'holds', string, string[]][] = [
      [
        'LICENSE_OWNED_BY_ANOTHER_ACCOUNT',
        'licenses',
        'license',
        account.licenses.map((l) => l.licenseId),
      ],
      [
        'CONTRACT_OWNED_BY_ANOTHER_ACCOUNT',
        'contracts',
        'contract',
        account.contracts.map((c) => c.contractId),
      ],
      ['HOLD_OWNED_BY_ANOTHER_ACCOUNT', 'holds', 'hold', account.holds.map((h) => h.holdId)],
    ];
    for (const [code, table, what, ids] of checks) {
      const taken = await this.accounts.ownedByOthers(tx.manager, table, accountId, ids);
      if (taken.length > 0) {
        throw new LicensingError(
          code,
          `${what}s owned by another account`,
          taken.map((id) => `${what} ${id} belongs to another account`),
        );
      }
    }
  }
}
