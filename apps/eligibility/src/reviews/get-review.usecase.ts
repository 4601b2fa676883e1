import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EligibilityError } from '../eligibility.errors';
import { ReviewRepository } from './review.repository';
import { ReviewResponse, toReviewResponse } from './review.response';

@Injectable()
export class GetReviewUsecase {
  constructor(private readonly reviews: ReviewRepository) {}

  async execute(query: { reviewId: string }, manager: EntityManager): Promise<ReviewResponse> {
    const found = await this.reviews.findById(manager, query.reviewId);
    if (!found) throw new EligibilityError('REVIEW_NOT_FOUND', `no review ${query.reviewId}`);
    return toReviewResponse(found);
  }
}
