import { ReasonCode } from '@app/contracts';
import { Transaction } from '@app/messaging';

/** How a review ends the case that waits for it. */
export type CaseDecision = { state: 'VERIFIED' } | { state: 'REJECTED'; reasons: ReasonCode[] };

/**
 * What a review needs of the case it was opened for: to decide it, and the saga to hear of it.
 * Defined here, by the side that needs it, and implemented by cases, which own reviews (they
 * open them) and register ReviewsModule with the implementation: no file of reviews imports cases.
 */
export abstract class ReviewedCases {
  /**
   * Ops decided the review: the order's case, if it is still in review, takes the decision, and
   * EligibilityVerified or EligibilityRejected is published from `tx`. False when the case was not
   * in review any more (nothing is published).
   */
  abstract decide(tx: Transaction, orderId: string, decision: CaseDecision): Promise<boolean>;

  /**
   * The review expired undecided: the order's case, if it is still in review, is rejected with
   * `reasons`, and EligibilityRejected for the review's order and account is published from `tx`.
   */
  abstract rejectExpired(
    tx: Transaction,
    review: { orderId: string; accountId: string },
    reasons: ReasonCode[],
  ): Promise<void>;
}
