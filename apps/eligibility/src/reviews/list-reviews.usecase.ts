import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReviewState } from './review.entity';
import { ReviewAuditRepository } from './review-audit.repository';
import { ReviewRepository } from './review.repository';
import { ReviewResponse, toReviewResponse } from './review.response';

/** At most this many reviews per listing, soonest deadline first. */
const LIST_LIMIT = 500;

@Injectable()
export class ListReviewsUsecase {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly audit: ReviewAuditRepository,
  ) {}

  /** Each review with its audit trail (one query for all of them). */
  async execute(query: { state?: ReviewState }, manager: EntityManager): Promise<ReviewResponse[]> {
    const found = await this.reviews.list(manager, query.state, LIST_LIMIT);
    const trails = await this.audit.ofMany(
      manager,
      found.map(({ review }) => review.reviewId),
    );
    return found.map((one) => toReviewResponse(one, trails.get(one.review.reviewId) ?? []));
  }
}
