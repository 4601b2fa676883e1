import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { ReviewRepository } from './review.repository';
import { ReviewedCases } from './reviewed-cases';

/**
 * Rejects the order of a review nobody decided by its deadline (DOCUMENTS_EXPIRED). The
 * conditional update makes it fire once, however many sweepers race for it.
 */
@Injectable()
export class ExpireReviewUsecase {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly cases: ReviewedCases,
  ) {}

  async execute(command: { reviewId: string }, tx: Transaction): Promise<{ expired: boolean }> {
    const review = await this.reviews.expireIfDue(tx.manager, command.reviewId, tx.now);
    if (!review) return { expired: false };
    await this.cases.rejectExpired(tx, review, ['DOCUMENTS_EXPIRED']);
    return { expired: true };
  }
}
