import { Column, Entity, PrimaryColumn } from 'typeorm';
import { SagaStatus } from './saga-status';

/** Where an order's saga stands, as seen from its events (the summary of its timeline). */
@Entity({ name: 'reactivations' })
export class ReactivationEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ type: 'text' })
  status: SagaStatus;

  @Column({ name: 'progress_rank', type: 'int' })
  progressRank: number;

  /** The event type of the furthest stage reached (null while only side events are known). */
  @Column({ name: 'progress_stage', type: 'text', nullable: true })
  progressStage: string | null;

  @Column({ name: 'progress_at', type: 'timestamptz', nullable: true })
  progressAt: Date | null;

  @Column({ name: 'stalled_stage', type: 'text', nullable: true })
  stalledStage: string | null;

  @Column({ name: 'window_ends_at', type: 'timestamptz', nullable: true })
  windowEndsAt: Date | null;

  @Column({ name: 'review_deadline', type: 'timestamptz', nullable: true })
  reviewDeadline: Date | null;

  /** When the saga counts as stalled at its current stage (null: nothing awaited). */
  @Column({ name: 'stall_deadline', type: 'timestamptz', nullable: true })
  stallDeadline: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
