/**
 * The bench's arithmetic, without I/O: when each saga completed, latency percentiles counted from
 * each payment's scheduled send time (no coordinated omission), and whether an open-loop run kept
 * up with its offered rate.
 */

import type { COMPLETE_TIMELINE } from './floor/floor-schema';

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

/** Whether an open-loop run kept up with its offered rate, and the figures it was judged on. */
export interface KeepUpVerdict {
  keptUp: boolean;
  offeredPerSecond: number;
  /** Outcomes per second in the last `windowSeconds` of the offered period (reported, not judged). */
  completedPerSecondAtEnd: number;
  /** Sagas sent but not complete, at half and at the end of the offered period. */
  backlogAtHalf: number;
  backlogAtEnd: number;
  /**
   * How fast the backlog grew over the second half of the offered period, sagas per second: the
   * least-squares slope of the backlog sampled every 100 ms (offered minus completed per second).
   */
  backlogGrowthPerSecond: number;
  /** From the end of the offered period to the last outcome (Infinity: some never came). */
  drainSeconds: number;
  reasons: string[];
}

export interface KeepUpCriteria {
  /** The window at the end of the offered period whose outcomes per second are reported. */
  windowSeconds: number;
  /** Over the second half, outcomes kept pace with at least this share of the offered rate. */
  minShare: number;
  /** The last outcome at most this long after the last scheduled send. */
  maxDrainSeconds: number;
}

export const DEFAULT_KEEP_UP: KeepUpCriteria = {
  windowSeconds: 10,
  minShare: 0.95,
  maxDrainSeconds: 5,
};

/** Backlog samples over the second half of the offered period, for its trend. */
const BACKLOG_SAMPLE_MS = 100;

/**
 * Whether a run at a fixed offered rate kept up: over the second half of the offered period the
 * backlog did not grow (its trend: completions kept pace with at least `minShare` of the offered
 * rate), and what was still in flight when the sending stopped completed within a few seconds.
 * Times in ms from the start of the offered period.
 *
 * The trend is a least-squares slope rather than a count in the last seconds or the backlog at two
 * instants: at a few seconds of latency those move by a second's worth of sagas whenever the last
 * records come a little later or earlier, and called a run with a p99 of 1.4 s behind while
 * another, with 5.7 s, kept up.
 */
export function keepUpVerdict(
  scheduledAt: readonly number[],
  outcomeAt: readonly (number | undefined)[],
  offeredSeconds: number,
  criteria: KeepUpCriteria = DEFAULT_KEEP_UP,
): KeepUpVerdict {
  const endMs = offeredSeconds * 1000;
  const windowMs = Math.min(criteria.windowSeconds, offeredSeconds) * 1000;
  const due = countsBefore(scheduledAt);
  const done = countsBefore(outcomeAt);
  const backlogAt = (t: number) => due(t) - done(t);
  const inWindow = (count: (t: number) => number) => count(endMs) - count(endMs - windowMs);
  const offered = inWindow(due);
  const completed = inWindow(done);
  const samples: { t: number; backlog: number }[] = [];
  for (let t = endMs / 2; t <= endMs; t += BACKLOG_SAMPLE_MS) {
    samples.push({ t: t / 1000, backlog: backlogAt(t) });
  }
  const growth = slope(
    samples.map((s) => s.t),
    samples.map((s) => s.backlog),
  );
  const offeredPerSecond = offered / (windowMs / 1000);
  const missing = outcomeAt.filter((x) => x === undefined).length;
  const last = latest(outcomeAt);
  const lastScheduled = latest(scheduledAt);
  const drainSeconds = missing > 0 ? Infinity : Math.max(0, (last - lastScheduled) / 1000);
  const reasons: string[] = [];
  if (growth > (1 - criteria.minShare) * offeredPerSecond)
    reasons.push(
      `the backlog grew by ${growth.toFixed(1)} sagas/s over the second half (> ${round((1 - criteria.minShare) * offeredPerSecond)}: completions below ${criteria.minShare * 100} % of the offered rate)`,
    );
  if (missing > 0) reasons.push(`${missing} sagas never completed`);
  else if (drainSeconds > criteria.maxDrainSeconds)
    reasons.push(`the tail took ${drainSeconds.toFixed(1)} s to drain`);
  return {
    keptUp: reasons.length === 0,
    offeredPerSecond,
    completedPerSecondAtEnd: completed / (windowMs / 1000),
    backlogAtHalf: backlogAt(endMs / 2),
    backlogAtEnd: backlogAt(endMs),
    backlogGrowthPerSecond: round(growth),
    drainSeconds,
    reasons,
  };
}

/** How many of the times are before t (strictly), for any t: sorted once, then bisected. */
function countsBefore(times: readonly (number | undefined)[]): (t: number) => number {
  const sorted = times.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  return (t) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** The least-squares slope of y over x (0 for fewer than two points). */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let cov = 0;
  let varX = 0;
  for (let i = 0; i < n; i++) {
    cov += (x[i] - mx) * (y[i] - my);
    varX += (x[i] - mx) ** 2;
  }
  return varX === 0 ? 0 : cov / varX;
}

/** `value` rounded to `digits` decimals (the bench's figures). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
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

/** The timeline stages whose times split a saga's latency into hops. */
export type SagaStage = (typeof COMPLETE_TIMELINE)[number];

/** One saga's steps, in ms on the bench's clock. */
export interface SagaSteps {
  /** When its payment was due. */
  due: number;
  /**
   * When each stage's event was made (its `time`, as the timeline keeps it): stamped by the
   * service that took the step, as it took it.
   */
  stageAt: Partial<Record<SagaStage, number>>;
  confirmationEmailAt?: number;
  timelineCompleteAt?: number;
}

type Step = (saga: SagaSteps) => number | undefined;

/** Each hop: from one step to the next one that waits on it. */
const HOPS: readonly [name: string, from: Step, to: Step][] = [
  ['payment → OrderPaid', (s) => s.due, (s) => s.stageAt.OrderPaid],
  [
    'OrderPaid → EligibilityVerified',
    (s) => s.stageAt.OrderPaid,
    (s) => s.stageAt.EligibilityVerified,
  ],
  [
    'EligibilityVerified → EntitlementsRestored',
    (s) => s.stageAt.EligibilityVerified,
    (s) => s.stageAt.EntitlementsRestored,
  ],
  [
    'EntitlementsRestored → OrderFulfilled',
    (s) => s.stageAt.EntitlementsRestored,
    (s) => s.stageAt.OrderFulfilled,
  ],
  [
    'EntitlementsRestored → confirmation accepted',
    (s) => s.stageAt.EntitlementsRestored,
    (s) => s.confirmationEmailAt,
  ],
  [
    'OrderFulfilled → timeline complete',
    (s) => s.stageAt.OrderFulfilled,
    (s) => s.timelineCompleteAt,
  ],
];

export interface HopSummary {
  /** Sagas with both ends of the hop seen. */
  count: number;
  p50: number;
  p90: number;
  p99: number;
}

/**
 * Where each saga's time went, hop by hop (nearest-rank percentiles over the sagas that have both
 * ends of a hop): at a fixed rate, which step of the product falls behind the floor's.
 */
export function hopLatencies(sagas: readonly SagaSteps[]): Record<string, HopSummary> {
  return Object.fromEntries(
    HOPS.map(([name, from, to]) => {
      const ms = sagas
        .flatMap((saga) => {
          const start = from(saga);
          const end = to(saga);
          return start === undefined || end === undefined ? [] : [end - start];
        })
        .sort((a, b) => a - b);
      const at = (p: number) => Math.round(percentile(ms, p) * 10) / 10;
      return [name, { count: ms.length, p50: at(50), p90: at(90), p99: at(99) }];
    }),
  );
}
