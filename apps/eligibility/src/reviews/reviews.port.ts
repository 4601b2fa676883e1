import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReviewRepository } from './review.repository';

/** The review a case going to review opens. */
export interface ReviewToOpen {
  reviewId: string;
  orderId: string;
  accountId: string;
  /** The compliance holds under review. */
  holdIds: string[];
  deadline: Date;
  openedAt: Date;
  /** The documents ops must verify (one check each, however often named). */
  requiredDocuments: string[];
}

/** Reviews as their owner, the eligibility case, opens and withdraws them, in its transaction. */
@Injectable()
export class ReviewsPort {
  constructor(private readonly reviews: ReviewRepository) {}

  /** Opens the review, every required document pending. */
  openReview(manager: EntityManager, review: ReviewToOpen): Promise<void> {
    const { requiredDocuments, ...opened } = review;
    return this.reviews.insert(
      manager,
      { ...opened, state: 'OPEN', decidedAt: null, decisionNote: null },
      requiredDocuments,
    );
  }

  /** The order's saga ended elsewhere: its review, if still open, has nothing left to decide. */
  async withdrawReview(
    manager: EntityManager,
    orderId: string,
    note: string,
    now: Date,
  ): Promise<void> {
    const review = await this.reviews.findByOrderId(manager, orderId);
    if (review?.state === 'OPEN') {
      await this.reviews.conclude(manager, review.reviewId, 'WITHDRAWN', now, note);
    }
  }
}
