import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LicensingError } from '../licensing.error';
import { AccountView, toAccountView } from './account.mapper';
import { AccountRepository } from './account.repository';

@Injectable()
export class GetAccountUsecase {
  constructor(private readonly accounts: AccountRepository) {}

  async execute(query: { accountId: string }, manager: EntityManager): Promise<AccountView> {
    const aggregate = await this.accounts.loadAggregate(manager, query.accountId);
    if (!aggregate)
      throw new LicensingError(
        'ACCOUNT_NOT_FOUND',
        `account ${query.accountId} is not in the registry`,
      );
    return toAccountView(aggregate);
  }
}
