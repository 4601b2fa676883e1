import { IdParam, Roles } from '@app/platform';
import { Controller, Get } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Account } from './account.model';
import { GetAccountUsecase } from './get-account.usecase';

/** The account as eligibility last saw it (read-only; licensing owns the registry). */
@Controller('accounts')
export class AccountsController {
  constructor(
    private readonly getAccount: GetAccountUsecase,
    private readonly dataSource: DataSource,
  ) {}

  @Get(':accountId')
  @Roles('support')
  async get(@IdParam('accountId') accountId: string): Promise<Account> {
    // Account is a plain read model already (ids, states, dates: no personal data).
    return this.getAccount.execute({ accountId }, this.dataSource.manager);
  }
}
