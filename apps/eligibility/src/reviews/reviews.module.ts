import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { DecideReviewUsecase } from './decide-review.usecase';
import { ExpireReviewUsecase } from './expire-review.usecase';
import { GetReviewUsecase } from './get-review.usecase';
import { ListReviewsUsecase } from './list-reviews.usecase';
import { RecordDocumentUsecase } from './record-document.usecase';
import { ReviewDeadlineScheduler } from './review-deadline.scheduler';
import { ReviewAuditRepository } from './review-audit.repository';
import { ReviewRepository } from './review.repository';
import { ReviewedCases } from './reviewed-cases';
import { ReviewsController } from './reviews.controller';
import { ReviewsPort } from './reviews.port';

/**
 * Compliance reviews: ops' document checks and decisions over HTTP, and their deadline. A review
 * is opened for a case and decides it, so cases own reviews: they open and withdraw them through
 * ReviewsPort, and register this module with how a review decides its case (ReviewedCases).
 */
@Module({})
export class ReviewsModule {
  /**
   * `cases.decider` implements ReviewedCases; `cases.builtFrom` are the providers it is built from.
   * Nest resolves a provider's dependencies in the module that declares it, and this module does
   * not import its owner's (that would be the cycle again): they are declared here too, stateless,
   * so this second instance changes nothing.
   */
  static forCases(cases: { decider: Type<ReviewedCases>; builtFrom: Provider[] }): DynamicModule {
    return {
      module: ReviewsModule,
      controllers: [ReviewsController],
      providers: [
        ReviewRepository,
        ReviewAuditRepository,
        ReviewsPort,
        ListReviewsUsecase,
        GetReviewUsecase,
        RecordDocumentUsecase,
        DecideReviewUsecase,
        ExpireReviewUsecase,
        ReviewDeadlineScheduler,
        ...cases.builtFrom,
        { provide: ReviewedCases, useClass: cases.decider },
      ],
      exports: [ReviewsPort],
    };
  }
}
