import { UnitOfWork } from '@app/messaging';
import { Roles } from '@app/platform';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountIdParams, AccountImportDto } from './account-import.dto';
import { AccountView } from './account.mapper';
import { GetAccountUsecase } from './get-account.usecase';
import { ImportAccountUsecase } from './import-account.usecase';

@Controller('accounts')
export class AccountsController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly manager: EntityManager,
    private readonly importAccount: ImportAccountUsecase,
    private readonly getAccount: GetAccountUsecase,
  ) {}

  /** Ops only: imports the whole account (replacing its holds, contracts and licenses). */
  @Put(':id')
  async put(
    @Param() params: AccountIdParams,
    @Body() body: AccountImportDto,
  ): Promise<AccountView> {
    return this.uow.run({ correlationId: params.id }, (tx) =>
      this.importAccount.execute({ accountId: params.id, account: body }, tx),
    );
  }

  @Get(':id')
  @Roles('support')
  async get(@Param() params: AccountIdParams): Promise<AccountView> {
    return this.getAccount.execute({ accountId: params.id }, this.manager);
  }
}
