import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const ReviewStates = ['OPEN', 'APPROVED', 'DENIED', 'EXPIRED', 'WITHDRAWN'] as const;
export type ReviewState = (typeof ReviewStates)[number];

/** An ops review of an order's compliance holds, due by its deadline. One per order. */
@Entity({ name: 'reviews' })
@Index('reviews_open_by_deadline', ['deadline'], { where: "state = 'OPEN'" })
export class ReviewEntity {
  @PrimaryColumn({ name: 'review_id', type: 'text' }) reviewId: string;
  @Index('reviews_order_unique', { unique: true })
  @Column({ name: 'order_id', type: 'text' })
  orderId: string;
  @Column({ name: 'account_id', type: 'text' }) accountId: string;
  /** The compliance holds under review. */
  @Column({ name: 'hold_ids', type: 'text', array: true }) holdIds: string[];
  @Column({ type: 'text' }) state: ReviewState;
  @Column({ type: 'timestamptz' }) deadline: Date;
  @Column({ name: 'opened_at', type: 'timestamptz' }) openedAt: Date;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ name: 'decision_note', type: 'text', nullable: true }) decisionNote: string | null;
}
