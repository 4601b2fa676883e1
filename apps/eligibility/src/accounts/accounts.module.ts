import { Module } from '@nestjs/common';
import { AccountRepository } from './account.repository';
import { AccountsController } from './accounts.controller';
import { AccountsPort } from './accounts.port';
import { ApplyAccountSnapshotUsecase } from './apply-account-snapshot.usecase';
import { GetAccountUsecase } from './get-account.usecase';

/**
 * The local copy of licensing's accounts, fed by AccountSnapshot (never a call to licensing). The
 * snapshot handler lives in the cases feature, which also decides the orders awaiting an account.
 */
@Module({
  controllers: [AccountsController],
  providers: [AccountRepository, AccountsPort, ApplyAccountSnapshotUsecase, GetAccountUsecase],
  exports: [AccountsPort, ApplyAccountSnapshotUsecase],
})
export class AccountsModule {}
