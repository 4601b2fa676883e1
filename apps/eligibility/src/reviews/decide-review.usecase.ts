import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EligibilityError } from '../eligibility.errors';
import { ReviewAuditRepository } from './review-audit.repository';
import { ReviewRepository } from './review.repository';
import { ReviewResponse, toReviewResponse } from './review.response';
import { assertApprovableAt, decide, ReviewDecision } from './review.rules';
import { CaseDecision, ReviewedCases } from './reviewed-cases';

export interface DecideReviewCommand {
  reviewId: string;
  decision: ReviewDecision;
  note?: string;
  /** Who decides (audited): role and token id. */
  actor: string;
}

/**
 * Ops' decision on a compliance review: approval (every document verified) verifies the order's
 * case, denial rejects it with DOCUMENTS_REJECTED. A review is decided once.
 */
@Injectable()
export class DecideReviewUsecase {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly cases: ReviewedCases,
    private readonly audit: ReviewAuditRepository,
  ) {}

  async execute(command: DecideReviewCommand, tx: Transaction): Promise<ReviewResponse> {
    const { manager, now } = tx;
    const found = await this.reviews.findByIdForUpdate(manager, command.reviewId);
    if (!found) throw new EligibilityError('REVIEW_NOT_FOUND', `no review ${command.reviewId}`);
    const { review } = found;
    const outcome = decide(review, found.documents, command.decision);
    assertApprovableAt(review, command.decision, now);

    const concluded = await this.reviews.conclude(
      manager,
      review.reviewId,
      outcome,
      now,
      command.note ?? null,
    );
    const caseDecision: CaseDecision =
      outcome === 'APPROVED'
        ? { state: 'VERIFIED' }
        : { state: 'REJECTED', reasons: ['DOCUMENTS_REJECTED'] };
    // The case takes the decision and publishes the saga's outcome (EligibilityVerified or
    // EligibilityRejected with DOCUMENTS_REJECTED) from this transaction.
    const caseDecided = concluded && (await this.cases.decide(tx, review.orderId, caseDecision));
    if (!caseDecided) {
      throw new EligibilityError(
        'REVIEW_ALREADY_DECIDED',
        `review ${review.reviewId} was decided meanwhile`,
      );
    }

    await this.audit.record(manager, review.reviewId, {
      action: outcome,
      subject: null,
      actor: command.actor,
      at: now,
    });
    const updated = await this.reviews.findById(manager, review.reviewId);
    return toReviewResponse(updated ?? found);
  }
}
