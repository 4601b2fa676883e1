import { EligibilityRejected } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { CaseRepository } from '../cases/case.repository';
import { eligibilityRejectedOf } from '../cases/case.events';
import { ReviewRepository } from './review.repository';

/**
 * Rejects the order of a review nobody decided by its deadline (DOCUMENTS_EXPIRED). The
 * conditional update makes it fire once, however many sweepers race for it.
 */
@Injectable()
export class ExpireReviewUsecase {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly cases: CaseRepository,
  ) {}

  async execute(command: { reviewId: string }, tx: Transaction): Promise<{ expired: boolean }> {
    const review = await this.reviews.expireIfDue(tx.manager, command.reviewId, tx.now);
    if (!review) return { expired: false };
    const reasons = ['DOCUMENTS_EXPIRED' as const];
    await this.cases.decideReview(
      tx.manager,
      review.orderId,
      { state: 'REJECTED', reasons },
      tx.now,
    );
    tx.publish(EligibilityRejected, eligibilityRejectedOf(review, reasons, tx.now), {
      correlationId: review.orderId,
    });
    return { expired: true };
  }
}
