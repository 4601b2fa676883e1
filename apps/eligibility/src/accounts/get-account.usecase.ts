import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EligibilityError } from '../eligibility.errors';
import { AccountRepository } from './account.repository';
import { Account } from './account.model';

/** Reads the local copy of an account (ops and support check which snapshot eligibility holds). */
@Injectable()
export class GetAccountUsecase {
  constructor(private readonly accounts: AccountRepository) {}

  async execute(query: { accountId: string }, manager: EntityManager): Promise<Account> {
    const account = await this.accounts.findById(manager, query.accountId);
    if (!account) {
      throw new EligibilityError(
        'ACCOUNT_NOT_KNOWN',
        `no snapshot of account ${query.accountId} received`,
      );
    }
    return account;
  }
}
