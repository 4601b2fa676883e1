import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReviewState } from './review.entity';
import { ReviewRepository } from './review.repository';
import { ReviewResponse, toReviewResponse } from './review.response';

/** At most this many reviews per listing, soonest deadline first. */
const LIST_LIMIT = 500;

@Injectable()
export class ListReviewsUsecase {
  constructor(private readonly reviews: ReviewRepository) {}

  async execute(query: { state?: ReviewState }, manager: EntityManager): Promise<ReviewResponse[]> {
    return (await this.reviews.list(manager, query.state, LIST_LIMIT)).map((found) =>
      toReviewResponse(found),
    );
  }
}
