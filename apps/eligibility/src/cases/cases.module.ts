import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ReviewRepository } from '../reviews/review.repository';
import { AccountSnapshotHandler } from './account-snapshot.handler';
import { AwaitingAccountScheduler } from './awaiting-account.scheduler';
import { CaseRepository } from './case.repository';
import { CasesController } from './cases.controller';
import { CheckEligibilityUsecase } from './check-eligibility.usecase';
import { CloseCaseUsecase } from './close-case.usecase';
import { GetCaseUsecase } from './get-case.usecase';
import { OrderPaidHandler } from './order-paid.handler';
import { ReceiveAccountSnapshotUsecase } from './receive-account-snapshot.usecase';
import { SagaEndedHandler } from './saga-ended.handler';

/**
 * The eligibility check of each paid order. Opening a review is part of the check, so the
 * (stateless) review repository is provided here too; the reviews feature builds on this module.
 */
@Module({
  imports: [AccountsModule],
  controllers: [OrderPaidHandler, AccountSnapshotHandler, SagaEndedHandler, CasesController],
  providers: [
    CaseRepository,
    ReviewRepository,
    CheckEligibilityUsecase,
    ReceiveAccountSnapshotUsecase,
    AwaitingAccountScheduler,
    CloseCaseUsecase,
    GetCaseUsecase,
  ],
  exports: [CaseRepository],
})
export class CasesModule {}
