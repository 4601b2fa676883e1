import { Module } from '@nestjs/common';
import { AccountSnapshotPublisher } from './account-snapshot.publisher';
import { AccountRepository } from './account.repository';
import { AccountsController } from './accounts.controller';
import { GetAccountUsecase } from './get-account.usecase';
import { ImportAccountUsecase } from './import-account.usecase';
import { ReinstatementRegistry } from './reinstatement.registry';

/** The registry of accounts, holds, contracts, licenses and entitlements, imported by ops. */
@Module({
  controllers: [AccountsController],
  providers: [
    AccountRepository,
    AccountSnapshotPublisher,
    ImportAccountUsecase,
    GetAccountUsecase,
    ReinstatementRegistry,
  ],
  // Reactivations see the registry through its one port.
  exports: [ReinstatementRegistry],
})
export class RegistryModule {}
