import { UnitOfWork } from '@app/messaging';
import { Sweeper } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EligibilityEnvironment } from '../eligibility.config';
import { ExpireReviewUsecase } from './expire-review.usecase';
import { ReviewRepository } from './review.repository';

/** Reviews expired per sweep at most; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

/**
 * The review deadline, made durable by the database: every REVIEW_SWEEP_MS it looks for open
 * reviews past their deadline and expires each in its own transaction. Survives restarts (the
 * deadline is a row, not a timer) and is safe with several instances (conditional update).
 */
@Injectable()
export class ReviewDeadlineScheduler extends Sweeper {
  private readonly logger = new Logger(ReviewDeadlineScheduler.name);

  constructor(
    private readonly reviews: ReviewRepository,
    private readonly expireReview: ExpireReviewUsecase,
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    env: EligibilityEnvironment,
  ) {
    super(ReviewDeadlineScheduler.name, env.REVIEW_SWEEP_MS);
  }

  /** Expires every overdue review; returns how many it expired. */
  async sweep(): Promise<number> {
    const due = await this.reviews.findDue(this.dataSource.manager, new Date(), SWEEP_BATCH);
    let expired = 0;
    for (const { reviewId, orderId } of due) {
      if (this.stopping) break;
      const result = await this.uow.run({ correlationId: orderId }, (tx) =>
        this.expireReview.execute({ reviewId }, tx),
      );
      if (result.expired) {
        expired++;
        this.logger.log(
          { correlationId: orderId, reviewId },
          'review deadline passed: documents expired',
        );
      }
    }
    return expired;
  }
}
