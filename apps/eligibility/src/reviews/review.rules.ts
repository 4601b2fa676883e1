import { EligibilityError } from '../eligibility.errors';
import { DocumentStatus } from './review-document.entity';
import { ReviewState } from './review.entity';

export type ReviewDecision = 'approve' | 'deny';

export interface DocumentCheck {
  documentId: string;
  status: DocumentStatus;
}

/** Documents not (yet) verified: an approval needs none. */
export function documentsNotVerified(documents: DocumentCheck[]): string[] {
  return documents.filter((d) => d.status !== 'VERIFIED').map((d) => d.documentId);
}

/** Only an open review can take a document check or a decision. */
export function assertOpen(reviewId: string, state: ReviewState): void {
  if (state !== 'OPEN') {
    throw new EligibilityError('REVIEW_ALREADY_DECIDED', `review ${reviewId} is already ${state}`, {
      state,
    });
  }
}

/**
 * An approval after the review's deadline is refused, whether or not the deadline sweep has
 * expired the review yet: the customer was promised a refund at the deadline, not a later approval.
 */
export function assertApprovableAt(
  review: { reviewId: string; deadline: Date },
  decision: ReviewDecision,
  now: Date,
): void {
  if (decision === 'approve' && now.getTime() >= review.deadline.getTime()) {
    throw new EligibilityError(
      'REVIEW_DEADLINE_PASSED',
      `review ${review.reviewId} passed its deadline; it can no longer be approved`,
      { deadline: review.deadline.toISOString() },
    );
  }
}

/**
 * What a decision does to a review: approval requires every required document verified; a denial
 * needs no justification beyond ops' judgment.
 */
export function decide(
  review: { reviewId: string; state: ReviewState },
  documents: DocumentCheck[],
  decision: ReviewDecision,
): 'APPROVED' | 'DENIED' {
  assertOpen(review.reviewId, review.state);
  if (decision === 'deny') return 'DENIED';
  const missing = documentsNotVerified(documents);
  if (missing.length > 0) {
    throw new EligibilityError(
      'DOCUMENTS_NOT_VERIFIED',
      `review ${review.reviewId} cannot be approved: ${missing.length} document(s) not verified`,
      { missingDocuments: missing },
    );
  }
  return 'APPROVED';
}
