import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EligibilityError } from '../eligibility.errors';
import { ReviewAuditRepository } from './review-audit.repository';
import { ReviewRepository } from './review.repository';
import { ReviewResponse, toReviewResponse } from './review.response';

@Injectable()
export class GetReviewUsecase {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly audit: ReviewAuditRepository,
  ) {}

  async execute(query: { reviewId: string }, manager: EntityManager): Promise<ReviewResponse> {
    const found = await this.reviews.findById(manager, query.reviewId);
    if (!found) throw new EligibilityError('REVIEW_NOT_FOUND', `no review ${query.reviewId}`);
    return toReviewResponse(found, await this.audit.of(manager, query.reviewId));
  }
}
