import { ReasonCode } from '@app/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** AWAITING_ACCOUNT: the order came before its account's first snapshot; decided when it comes. */
export const CaseStates = ['AWAITING_ACCOUNT', 'VERIFIED', 'IN_REVIEW', 'REJECTED'] as const;
export type CaseState = (typeof CaseStates)[number];

/**
 * How a case ended: the saga's outcome, or at once when it was rejected. MANUAL_HANDLING: the saga
 * waits on ops (ManualHandlingRequired); its reactivation is over, so the account is free again.
 */
export const CaseOutcomes = ['FULFILLED', 'REFUNDED', 'REJECTED', 'MANUAL_HANDLING'] as const;
export type CaseOutcome = (typeof CaseOutcomes)[number];

export interface CaseChangeWindow {
  startsAt: string;
  endsAt: string;
}

/**
 * The eligibility check of one paid order. Open (closed_at null) from verified or in review until
 * the order is fulfilled or refunded; one open case per account (partial unique index). A case
 * awaiting its account is undecided and reserves nothing, so it is not counted as open there.
 */
@Entity({ name: 'eligibility_cases' })
@Index('eligibility_cases_one_open_per_account', ['accountId'], {
  unique: true,
  where: "closed_at IS NULL AND state <> 'AWAITING_ACCOUNT'",
})
export class EligibilityCaseEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' }) orderId: string;
  @Column({ name: 'account_id', type: 'text' }) accountId: string;
  @Column({ type: 'text' }) state: CaseState;
  /** The order's region, kept so that a case awaiting its account can be decided later. */
  @Column({ type: 'text', nullable: true }) region: string | null;
  @Column({ type: 'text', array: true }) reasons: ReasonCode[];
  @Column({ name: 'license_ids', type: 'text', array: true }) licenseIds: string[];
  /** The active holds at the check: all of them are cleared when the case is verified. */
  @Column({ name: 'hold_ids', type: 'text', array: true }) holdIds: string[];
  @Column({ name: 'change_window', type: 'jsonb', nullable: true })
  changeWindow: CaseChangeWindow | null;
  @Column({ name: 'review_id', type: 'text', nullable: true }) reviewId: string | null;
  /** The snapshot version the rules were applied to (null: account unknown). */
  @Column({ name: 'account_version', type: 'integer', nullable: true }) accountVersion:
    number | null;
  /** Until when the case waits for its account's snapshot (set when it had to wait). */
  @Column({ name: 'account_deadline', type: 'timestamptz', nullable: true })
  accountDeadline: Date | null;
  /** When the rules were applied (or, while awaiting the account, when the order came). */
  @Column({ name: 'checked_at', type: 'timestamptz' }) checkedAt: Date;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ type: 'text', nullable: true }) outcome: CaseOutcome | null;
}
