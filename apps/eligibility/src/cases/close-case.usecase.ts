import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReviewsPort } from '../reviews/reviews.port';
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
    private readonly reviews: ReviewsPort,
  ) {}

  async execute(command: CloseCaseCommand, tx: Transaction): Promise<void> {
    await this.executeAll([command], tx.manager, tx.now);
  }

  /**
   * Several ended sagas at once, in the transaction `manager` belongs to: their cases are closed
   * with one statement (an order named twice in one call is closed once).
   */
  async executeAll(commands: CloseCaseCommand[], manager: EntityManager, now: Date): Promise<void> {
    const closed = await this.cases.closeAll(manager, commands, now);
    for (const command of commands) {
      const reviewId = closed.get(command.orderId);
      closed.delete(command.orderId);
      // A review is only ever opened with its case, which names it: without one there is none.
      if (!reviewId) continue;
      await this.reviews.withdrawReview(
        manager,
        command.orderId,
        `order ${command.outcome.toLowerCase()}`,
        now,
      );
    }
  }
}
