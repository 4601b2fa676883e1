import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DocumentStatuses = ['PENDING', 'VERIFIED', 'REJECTED'] as const;
export type DocumentStatus = (typeof DocumentStatuses)[number];

/** One document a review requires, and what ops found when they checked it. */
@Entity({ name: 'review_documents' })
export class ReviewDocumentEntity {
  @PrimaryColumn({ name: 'review_id', type: 'text' }) reviewId: string;
  @PrimaryColumn({ name: 'document_id', type: 'text' }) documentId: string;
  @Column({ type: 'text' }) status: DocumentStatus;
  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true }) recordedAt: Date | null;
}
