import { ReasonCode } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * SCHEDULED: waits for its change window (the durable schedule: the sweeper picks it up);
 * ACTIVATING: being reinstated (only ever seen inside the reinstating transaction);
 * RESTORED / FAILED: final (a FAILED case's saga is refunded). A scheduled activation that hits an
 * error of its own fails too (REACTIVATION_ERROR, the error in `note`): no case waits forever.
 */
export type ReactivationCaseState = 'SCHEDULED' | 'ACTIVATING' | 'RESTORED' | 'FAILED';

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

  /** What is notable about the case (a missed window, the error a scheduled activation failed on). */
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'verified_at', type: 'timestamptz' })
  verifiedAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
