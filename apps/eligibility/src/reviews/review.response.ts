import { ReviewAuditEntry } from './review-audit.repository';
import { DocumentStatus } from './review-document.entity';
import { ReviewWithDocuments } from './review.repository';
import { ReviewState } from './review.entity';

/** A review as ops and support see it over HTTP. */
export interface ReviewResponse {
  reviewId: string;
  orderId: string;
  accountId: string;
  state: ReviewState;
  holdIds: string[];
  deadline: string;
  openedAt: string;
  decidedAt: string | null;
  note: string | null;
  documents: { documentId: string; status: DocumentStatus; recordedAt: string | null }[];
  /** Who checked which document and who decided, when. */
  audit?: { action: string; subject: string | null; actor: string; at: string }[];
}

export function toReviewResponse(
  { review, documents }: ReviewWithDocuments,
  audit?: ReviewAuditEntry[],
): ReviewResponse {
  return {
    reviewId: review.reviewId,
    orderId: review.orderId,
    accountId: review.accountId,
    state: review.state,
    holdIds: review.holdIds,
    deadline: review.deadline.toISOString(),
    openedAt: review.openedAt.toISOString(),
    decidedAt: review.decidedAt?.toISOString() ?? null,
    note: review.decisionNote,
    documents: documents.map((d) => ({
      documentId: d.documentId,
      status: d.status,
      recordedAt: d.recordedAt?.toISOString() ?? null,
    })),
    ...(audit
      ? {
          audit: audit.map((a) => ({
            action: a.action,
            subject: a.subject,
            actor: a.actor,
            at: a.at.toISOString(),
          })),
        }
      : {}),
  };
}
