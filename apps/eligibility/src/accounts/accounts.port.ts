import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Account } from './account.model';
import { AccountRepository } from './account.repository';

/** The local copies of licensing's accounts, as the eligibility check reads them. */
@Injectable()
export class AccountsPort {
  constructor(private readonly accounts: AccountRepository) {}

  /** The copy of the account, or null while no snapshot of it has arrived. */
  accountOf(manager: EntityManager, accountId: string): Promise<Account | null> {
    return this.accounts.findById(manager, accountId);
  }

  /** The copies of the accounts known, by id, in one statement. */
  accountsOf(manager: EntityManager, accountIds: string[]): Promise<Map<string, Account>> {
    return this.accounts.findByIds(manager, accountIds);
  }

  /** licenseId → owning accountId, for the given licenses that any snapshot has named. */
  ownersOf(manager: EntityManager, licenseIds: string[]): Promise<Map<string, string>> {
    return this.accounts.ownersOf(manager, licenseIds);
  }
}
