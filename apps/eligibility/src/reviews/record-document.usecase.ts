import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EligibilityError } from '../eligibility.errors';
import { ReviewAuditRepository } from './review-audit.repository';
import { ReviewRepository } from './review.repository';
import { ReviewResponse, toReviewResponse } from './review.response';
import { assertOpen } from './review.rules';

export interface RecordDocumentCommand {
  reviewId: string;
  documentId: string;
  status: 'VERIFIED' | 'REJECTED';
  /** Who records it (audited): role and token id. */
  actor: string;
}

/** Records what ops found when checking one of a review's required documents. */
@Injectable()
export class RecordDocumentUsecase {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly audit: ReviewAuditRepository,
  ) {}

  async execute(command: RecordDocumentCommand, tx: Transaction): Promise<ReviewResponse> {
    const found = await this.reviews.findByIdForUpdate(tx.manager, command.reviewId);
    if (!found) throw new EligibilityError('REVIEW_NOT_FOUND', `no review ${command.reviewId}`);
    assertOpen(command.reviewId, found.review.state);
    const recorded = await this.reviews.recordDocument(
      tx.manager,
      command.reviewId,
      command.documentId,
      command.status,
      tx.now,
    );
    if (!recorded) {
      throw new EligibilityError(
        'DOCUMENT_NOT_REQUIRED',
        `review ${command.reviewId} does not require document "${command.documentId}"`,
        { requiredDocuments: found.documents.map((d) => d.documentId) },
      );
    }
    await this.audit.record(tx.manager, command.reviewId, {
      action: `DOCUMENT_${command.status}`,
      subject: command.documentId,
      actor: command.actor,
      at: tx.now,
    });
    const updated = await this.reviews.findById(tx.manager, command.reviewId);
    return toReviewResponse(updated ?? found);
  }
}
