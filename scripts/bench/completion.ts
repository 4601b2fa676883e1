/**
 * The bench's arithmetic, without I/O: when each saga completed, latency percentiles counted from
 * each payment's scheduled send time (no coordinated omission), and whether an open-loop run kept
 * up with its offered rate.
 */

/** The confirmation email's subject (notifications' EntitlementsRestored email; the floor's too). */
const CONFIRMATION = /^Your services are reactivated \(order ([A-Za-z0-9_-]+)\)/;

/** The Subject of a message's header block (folded lines unfolded), if any. */
export function subjectOf(header: string): string | undefined {
  const unfolded = header.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  return /^Subject: ?(.*)$/im.exec(unfolded)?.[1]?.trim();
}

/** The order a confirmation email's subject names. */
export function confirmedOrderOf(subject: string | undefined): string | undefined {
  return subject === undefined ? undefined : CONFIRMATION.exec(subject)?.[1];
}

/** When the three signs of a complete saga were seen (ms on the bench's clock). */
export interface SagaSigns {
  fulfilledAt?: number;
  confirmationEmailAt?: number;
  timelineCompleteAt?: number;
}

/** A saga is complete when all three are seen; then at the latest of them. */
export function completedAt(signs: SagaSigns): number | undefined {
  const { fulfilledAt, confirmationEmailAt, timelineCompleteAt } = signs;
  if (fulfilledAt === undefined || confirmationEmailAt === undefined) return undefined;
  if (timelineCompleteAt === undefined) return undefined;
  return Math.max(fulfilledAt, confirmationEmailAt, timelineCompleteAt);
}

export interface LatencySummary {
  count: number;
  /** Sagas that never reached the outcome: counted as infinitely late in the percentiles. */
  missing: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

/**
 * Latency of each saga from its scheduled send to its outcome (`undefined`: none). A saga without
 * an outcome is infinitely late: a run that lost 2 % of its sagas shows p99 = Infinity rather than a
 * flattering figure of the ones that made it. The mean is of those that arrived.
 */
export function summarizeLatency(
  scheduledAt: readonly number[],
  outcomeAt: readonly (number | undefined)[],
): LatencySummary {
  const arrived: number[] = [];
  let missing = 0;
  scheduledAt.forEach((scheduled, i) => {
    const at = outcomeAt[i];
    if (at === undefined) missing++;
    else arrived.push(at - scheduled);
  });
  arrived.sort((a, b) => a - b);
  const all = [...arrived, ...Array<number>(missing).fill(Infinity)];
  return {
    count: arrived.length,
    missing,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    max: all.length > 0 ? all[all.length - 1] : NaN,
    mean: arrived.length > 0 ? arrived.reduce((a, b) => a + b, 0) / arrived.length : NaN,
  };
}

/** Outcomes per second over a window: the last `seconds` of the offered period. */
export interface KeepUpVerdict {
  keptUp: boolean;
  offeredPerSecond: number;
  /** Outcomes per second in the last `windowSeconds` of the offered period. */
  completedPerSecondAtEnd: number;
  /** Sagas sent but not complete, at half and at the end of the offered period. */
  backlogAtHalf: number;
  backlogAtEnd: number;
  /** From the end of the offered period to the last outcome (Infinity: some never came). */
  drainSeconds: number;
  reasons: string[];
}

export interface KeepUpCriteria {
  /** The window at the end of the offered period compared with the offered rate. */
  windowSeconds: number;
  /** Outcomes in that window at least this share of the offered. */
  minShare: number;
  /** The last outcome at most this long after the last scheduled send. */
  maxDrainSeconds: number;
}

export const DEFAULT_KEEP_UP: KeepUpCriteria = {
  windowSeconds: 10,
  minShare: 0.95,
  maxDrainSeconds: 5,
};

/**
 * Whether a run at a fixed offered rate kept up: in the last seconds of the offered period as many
 * sagas completed as were offered, the backlog did not grow over the second half, and what was
 * still in flight when the sending stopped completed within a few seconds. Times in ms from the
 * start of the offered period.
 */
export function keepUpVerdict(
  scheduledAt: readonly number[],
  outcomeAt: readonly (number | undefined)[],
  offeredSeconds: number,
  criteria: KeepUpCriteria = DEFAULT_KEEP_UP,
): KeepUpVerdict {
  const endMs = offeredSeconds * 1000;
  const windowMs = Math.min(criteria.windowSeconds, offeredSeconds) * 1000;
  const before = (times: readonly (number | undefined)[], t: number) =>
    times.filter((x) => x !== undefined && x < t).length;
  const inWindow = (times: readonly (number | undefined)[]) =>
    times.filter((x) => x !== undefined && x >= endMs - windowMs && x < endMs).length;
  const offered = inWindow(scheduledAt);
  const completed = inWindow(outcomeAt);
  const backlogAtHalf = before(scheduledAt, endMs / 2) - before(outcomeAt, endMs / 2);
  const backlogAtEnd = before(scheduledAt, endMs) - before(outcomeAt, endMs);
  const missing = outcomeAt.filter((x) => x === undefined).length;
  const last = latest(outcomeAt);
  const lastScheduled = latest(scheduledAt);
  const drainSeconds = missing > 0 ? Infinity : Math.max(0, (last - lastScheduled) / 1000);
  const reasons: string[] = [];
  if (completed < criteria.minShare * offered)
    reasons.push(
      `completed ${completed} in the last ${windowMs / 1000} s, offered ${offered} (< ${criteria.minShare * 100} %)`,
    );
  // Growth by more than one window's share of noise: the queue builds up.
  if (backlogAtEnd > backlogAtHalf + Math.max(1, (1 - criteria.minShare) * offered))
    reasons.push(`backlog grew from ${backlogAtHalf} to ${backlogAtEnd} over the second half`);
  if (missing > 0) reasons.push(`${missing} sagas never completed`);
  else if (drainSeconds > criteria.maxDrainSeconds)
    reasons.push(`the tail took ${drainSeconds.toFixed(1)} s to drain`);
  return {
    keptUp: reasons.length === 0,
    offeredPerSecond: offered / (windowMs / 1000),
    completedPerSecondAtEnd: completed / (windowMs / 1000),
    backlogAtHalf,
    backlogAtEnd,
    drainSeconds,
    reasons,
  };
}

/** The latest of the times given (-Infinity: none); no spread, so any number of sagas. */
export function latest(times: readonly (number | undefined)[]): number {
  return times.reduce<number>((max, t) => (t !== undefined && t > max ? t : max), -Infinity);
}

/** When payment i of an open-loop run is due, ms after the start: an even schedule. */
export function scheduledSendMs(index: number, ratePerSecond: number): number {
  return (index * 1000) / ratePerSecond;
}

/** How many payments are due `elapsedMs` after the start (those with a scheduled time ≤ it). */
export function dueBy(elapsedMs: number, ratePerSecond: number, total: number): number {
  return Math.min(total, Math.floor((elapsedMs * ratePerSecond) / 1000) + 1);
}
