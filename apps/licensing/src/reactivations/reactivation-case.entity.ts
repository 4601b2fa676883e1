import { ReasonCode } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * SCHEDULED: waits for its change window (the durable schedule: the sweeper picks it up);
 * ACTIVATING: being reinstated (only ever seen inside the reinstating transaction);
 * RESTORED / FAILED: final; STUCK: reinstating hit a permanent error, ops must look.
 */
export type ReactivationCaseState = 'SCHEDULED' | 'ACTIVATING' | 'RESTORED' | 'FAILED' | 'STUCK';

/** One reactivation per order (the primary key): a redelivered EligibilityVerified changes nothing. */
@Entity({ name: 'reactivation_cases' })
export class ReactivationCaseEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'license_ids', type: 'jsonb' })
  licenseIds: string[];

  @Column({ name: 'hold_ids', type: 'jsonb' })
  holdIds: string[];

  @Column({ name: 'window_starts_at', type: 'timestamptz', nullable: true })
  windowStartsAt: Date | null;

  @Column({ name: 'window_ends_at', type: 'timestamptz', nullable: true })
  windowEndsAt: Date | null;

  @Column({ type: 'text' })
  state: ReactivationCaseState;

  @Column({ name: 'scheduled_for', type: 'timestamptz', nullable: true })
  scheduledFor: Date | null;

  /** The change window had ended when the activation ran; it ran anyway (the customer paid). */
  @Column({ name: 'window_missed', type: 'boolean', default: false })
  windowMissed: boolean;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  reasons: ReasonCode[];

  @Column({ name: 'resuspended_license_ids', type: 'jsonb', default: () => "'[]'" })
  resuspendedLicenseIds: string[];

  @Column({ name: 'cleared_hold_ids', type: 'jsonb', default: () => "'[]'" })
  clearedHoldIds: string[];

  /** Why the case is STUCK, or what is notable about it (e.g. a missed window). */
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'verified_at', type: 'timestamptz' })
  verifiedAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
