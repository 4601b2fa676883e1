import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SupportCase } from '../roster/roster.port';

export type NotificationStatus = 'HELD' | 'PENDING' | 'SENDING' | 'SENT' | 'FAILED' | 'CANCELLED';
export type NotificationAudience = 'CUSTOMER' | 'SUPPORT';

/**
 * One email to send: at most one per (order, stage, subject key), so no stage is ever mailed twice
 * whatever the redeliveries. Written in the transaction of the event that calls for it, sent after.
 */
@Entity({ name: 'notifications' })
export class NotificationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  /** The saga stage the message is about (the event type that caused it, or RenewalReminder). */
  @Column({ type: 'text' })
  stage: string;

  /** What within the stage: the license of a reminder, the stalled stage; '' for stage emails. */
  @Column({ name: 'subject_key', type: 'text' })
  subjectKey: string;

  @Column({ type: 'text' })
  audience: NotificationAudience;

  @Column({ type: 'text' })
  status: NotificationStatus;

  /** What the template needs from the event (never the customer's personal data). */
  @Column({ type: 'jsonb' })
  content: Record<string, unknown>;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  /** When it is due to be sent; while it is being sent (SENDING), its lease's end. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  @Column({ type: 'int' })
  attempts: number;

  /** When the current claim was taken: with `claimedBy`, identifies that claim. */
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  /** The sender (process) holding the claim. */
  @Column({ name: 'claimed_by', type: 'text', nullable: true })
  claimedBy: string | null;

  /** The claim can be taken over after this, unless its owner renews it. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /**
   * Not a column: the order's support case (whom the message goes to, what was paid), read by the
   * statement that claimed the message for sending, in the same round trip; absent when the
   * message was not claimed that way or its order has no case.
   */
  supportCase?: SupportCase;
}
