import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { ReviewRepository } from '../reviews/review.repository';
import { CaseRepository } from './case.repository';

export interface CloseCaseCommand {
  orderId: string;
  outcome: 'FULFILLED' | 'REFUNDED' | 'MANUAL_HANDLING';
}

/**
 * Ends an order's case when its saga ends (fulfilled, refunded, or handed to ops: whatever ops
 * decide, nothing more is reactivated for that order), so the account may be reactivated again. Orders that
 * never reached eligibility (a rejected payment) have no case: nothing to do.
 */
@Injectable()
export class CloseCaseUsecase {
  constructor(
    private readonly cases: CaseRepository,
    private readonly reviews: ReviewRepository,
  ) {}

  async execute(command: CloseCaseCommand, tx: Transaction): Promise<void> {
    const closed = await this.cases.close(tx.manager, command.orderId, command.outcome, tx.now);
    // A review is only ever opened with its case, which names it: without one there is none.
    if (!closed || closed.reviewId === null) return;
    // A review still open for a saga that ended elsewhere has nothing left to decide.
    const review = await this.reviews.findByOrderId(tx.manager, command.orderId);
    if (review?.state === 'OPEN') {
      await this.reviews.conclude(
        tx.manager,
        review.reviewId,
        'WITHDRAWN',
        tx.now,
        `order ${command.outcome.toLowerCase()}`,
      );
    }
  }
}
