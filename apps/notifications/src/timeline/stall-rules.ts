/** Allowances of the waiting stages, in seconds (from the environment). */
export interface StallAllowances {
  afterPaid: number;
  afterVerified: number;
  /** Grace after the change window ends. */
  afterScheduled: number;
  /** Grace after the review's own deadline (eligibility should have decided or expired it). */
  afterReviewDeadline: number;
  afterRestored: number;
  afterRefundRequested: number;
}

export interface SagaProgress {
  /** Event type of the furthest stage reached. */
  progressStage: string | null;
  progressAt: Date | null;
  windowEndsAt: Date | null;
  reviewDeadline: Date | null;
}

const seconds = (from: Date, s: number): Date => new Date(from.getTime() + s * 1000);

/**
 * When a saga waiting at its current stage counts as stalled; null when nothing is awaited
 * (ended, or nothing known yet). Every waiting stage has a deadline: none waits forever.
 */
export function stallDeadline(progress: SagaProgress, allow: StallAllowances): Date | null {
  const at = progress.progressAt;
  if (!at || !progress.progressStage) return null;
  switch (progress.progressStage) {
    case 'OrderPaid':
      return seconds(at, allow.afterPaid);
    case 'EligibilityReviewRequired':
      return seconds(progress.reviewDeadline ?? at, allow.afterReviewDeadline);
    case 'EligibilityVerified':
      return seconds(at, allow.afterVerified);
    case 'ActivationScheduled':
      return seconds(maxDate(at, progress.windowEndsAt), allow.afterScheduled);
    case 'EntitlementsRestored':
      return seconds(at, allow.afterRestored);
    case 'ManualHandlingRequired':
      // Ops must act: escalated at once (ReactivationStalled, ops and the support contact told).
      return at;
    case 'EligibilityRejected':
    case 'ReactivationFailed':
    case 'PaymentRejected':
      return seconds(at, allow.afterRefundRequested);
    default:
      // OrderFulfilled, OrderRefunded: the saga ended.
      return null;
  }
}

export function isStalled(progress: SagaProgress, allow: StallAllowances, now: Date): boolean {
  const deadline = stallDeadline(progress, allow);
  return deadline !== null && deadline.getTime() <= now.getTime();
}

function maxDate(a: Date, b: Date | null): Date {
  return b && b.getTime() > a.getTime() ? b : a;
}
