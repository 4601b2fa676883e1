import { sagaStage, StallAllowance } from '@app/contracts';

/** Allowances of the waiting stages, in seconds (from the environment); the stages are `SAGA_STAGES`. */
export type StallAllowances = Record<StallAllowance, number>;

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
  const rule = sagaStage(progress.progressStage)?.stall;
  // No rule: the saga ended (OrderFulfilled, OrderRefunded).
  if (!rule) return null;
  // Ops must act (ManualHandlingRequired): escalated at once, ops and the support contact told.
  if (rule === 'immediately') return at;
  const from =
    rule.from === 'reviewDeadline'
      ? (progress.reviewDeadline ?? at)
      : rule.from === 'windowEnd'
        ? maxDate(at, progress.windowEndsAt)
        : at;
  return seconds(from, allow[rule.allowance]);
}

export function isStalled(progress: SagaProgress, allow: StallAllowances, now: Date): boolean {
  const deadline = stallDeadline(progress, allow);
  return deadline !== null && deadline.getTime() <= now.getTime();
}

function maxDate(a: Date, b: Date | null): Date {
  return b && b.getTime() > a.getTime() ? b : a;
}
