import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { AccountSnapshotHandler } from './account-snapshot.handler';
import { AwaitingAccountScheduler } from './awaiting-account.scheduler';
import { CaseRepository } from './case.repository';
import { CasesController } from './cases.controller';
import { CasesUnderReview } from './cases-under-review';
import { CheckEligibilityUsecase } from './check-eligibility.usecase';
import { CloseCaseUsecase } from './close-case.usecase';
import { GetCaseUsecase } from './get-case.usecase';
import { OrderPaidHandler } from './order-paid.handler';
import { ReceiveAccountSnapshotUsecase } from './receive-account-snapshot.usecase';
import { SagaEndedHandler } from './saga-ended.handler';

/**
 * The eligibility check of each paid order and the case it leaves. A case sent to review opens
 * its review (ReviewsPort) and is decided by it: reviews see the case through the interface they
 * define (ReviewedCases), bound here to CasesUnderReview.
 */
@Module({
  imports: [
    AccountsModule,
    ReviewsModule.forCases({ decider: CasesUnderReview, builtFrom: [CaseRepository] }),
  ],
  controllers: [OrderPaidHandler, AccountSnapshotHandler, SagaEndedHandler, CasesController],
  providers: [
    CaseRepository,
    CheckEligibilityUsecase,
    ReceiveAccountSnapshotUsecase,
    AwaitingAccountScheduler,
    CloseCaseUsecase,
    GetCaseUsecase,
  ],
})
export class CasesModule {}
