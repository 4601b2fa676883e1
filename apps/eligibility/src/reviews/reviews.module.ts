import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { DecideReviewUsecase } from './decide-review.usecase';
import { ExpireReviewUsecase } from './expire-review.usecase';
import { GetReviewUsecase } from './get-review.usecase';
import { ListReviewsUsecase } from './list-reviews.usecase';
import { RecordDocumentUsecase } from './record-document.usecase';
import { ReviewDeadlineScheduler } from './review-deadline.scheduler';
import { ReviewAuditRepository } from './review-audit.repository';
import { ReviewRepository } from './review.repository';
import { ReviewsController } from './reviews.controller';

/** Compliance reviews: ops' document checks and decisions over HTTP, and their deadline. */
@Module({
  imports: [CasesModule],
  controllers: [ReviewsController],
  providers: [
    ReviewRepository,
    ReviewAuditRepository,
    ListReviewsUsecase,
    GetReviewUsecase,
    RecordDocumentUsecase,
    DecideReviewUsecase,
    ExpireReviewUsecase,
    ReviewDeadlineScheduler,
  ],
})
export class ReviewsModule {}
