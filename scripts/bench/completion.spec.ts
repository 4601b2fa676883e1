import {
  completedAt,
  confirmedOrderOf,
  subjectOf,
  dueBy,
  hopLatencies,
  keepUpVerdict,
  scheduledSendMs,
  summarizeLatency,
} from './completion';

describe('a saga is complete', () => {
  it('when fulfilled, its confirmation email accepted and its timeline complete: at the latest', () => {
    expect(completedAt({ fulfilledAt: 10, confirmationEmailAt: 30, timelineCompleteAt: 20 })).toBe(
      30,
    );
    expect(completedAt({ fulfilledAt: 40, confirmationEmailAt: 30, timelineCompleteAt: 20 })).toBe(
      40,
    );
  });

  it('not while any of the three is missing', () => {
    expect(completedAt({ fulfilledAt: 10, timelineCompleteAt: 20 })).toBeUndefined();
    expect(completedAt({ confirmationEmailAt: 10, timelineCompleteAt: 20 })).toBeUndefined();
    expect(completedAt({ fulfilledAt: 10, confirmationEmailAt: 20 })).toBeUndefined();
  });
});

describe('latency from the scheduled send', () => {
  it('counts from when each payment was due, not from when it was sent', () => {
    // Ten payments due every 100 ms; the sender stalled and all completed at 1,000 ms.
    const scheduled = Array.from({ length: 10 }, (_, i) => i * 100);
    const summary = summarizeLatency(scheduled, Array<number>(10).fill(1000));
    expect(summary.max).toBe(1000);
    expect(summary.p50).toBe(500);
    expect(summary.mean).toBe(550);
  });

  it('nearest-rank percentiles of 100 latencies', () => {
    const scheduled = Array<number>(100).fill(0);
    const summary = summarizeLatency(
      scheduled,
      scheduled.map((_, i) => i + 1),
    );
    expect([summary.p50, summary.p95, summary.p99, summary.max]).toEqual([50, 95, 99, 100]);
  });

  it('a saga that never completed is infinitely late, not left out', () => {
    const scheduled = Array<number>(100).fill(0);
    const outcomes: (number | undefined)[] = scheduled.map(() => 5);
    outcomes[3] = undefined;
    outcomes[7] = undefined;
    const summary = summarizeLatency(scheduled, outcomes);
    expect(summary).toMatchObject({ count: 98, missing: 2, p50: 5, p95: 5, p99: Infinity });
    expect(summary.mean).toBe(5);
  });
});

describe('open-loop schedule', () => {
  it('spreads the payments evenly and sends each once it is due', () => {
    expect(scheduledSendMs(0, 20)).toBe(0);
    expect(scheduledSendMs(3, 20)).toBe(150);
    expect(dueBy(0, 20, 100)).toBe(1);
    expect(dueBy(149, 20, 100)).toBe(3);
    expect(dueBy(150, 20, 100)).toBe(4);
    expect(dueBy(1e9, 20, 100)).toBe(100);
  });
});

describe('kept up or not', () => {
  const rate = 20;
  const seconds = 60;
  const scheduled = Array.from({ length: rate * seconds }, (_, i) => scheduledSendMs(i, rate));

  it('kept up: every saga completes a steady 80 ms after it was due', () => {
    const verdict = keepUpVerdict(
      scheduled,
      scheduled.map((t) => t + 80),
      seconds,
    );
    expect(verdict).toMatchObject({ keptUp: true, backlogAtEnd: 1, reasons: [] });
    expect(verdict.offeredPerSecond).toBe(20);
    expect(verdict.drainSeconds).toBeCloseTo(0.08);
  });

  it('fell behind: completing 15 a second while 20 are offered grows the backlog', () => {
    const outcomes = scheduled.map((_, i) => 100 + (i * 1000) / 15);
    const verdict = keepUpVerdict(scheduled, outcomes, seconds);
    expect(verdict.keptUp).toBe(false);
    expect(verdict.completedPerSecondAtEnd).toBe(15);
    expect(verdict.backlogAtEnd).toBeGreaterThan(verdict.backlogAtHalf);
    expect(verdict.backlogGrowthPerSecond).toBeCloseTo(5, 0);
    expect(verdict.reasons.join('; ')).toMatch(/the backlog grew by 5\.0 sagas\/s/);
  });

  it('kept up: a second of latency with a slower patch at the end is not falling behind', () => {
    // 70/s, every saga complete 0.9 s after it was due, those due in the last 3 s after 1.8 s:
    // the last seconds' count and the backlog at the end dip by a second's worth, the trend not.
    const at70 = Array.from({ length: 70 * seconds }, (_, i) => scheduledSendMs(i, 70));
    const outcomes = at70.map((t) => t + (t >= 57_000 ? 1800 : 900));
    const verdict = keepUpVerdict(at70, outcomes, seconds);
    expect(verdict.completedPerSecondAtEnd).toBeLessThan(0.95 * 70);
    expect(verdict.backlogAtEnd - verdict.backlogAtHalf).toBeGreaterThan(35);
    expect(verdict).toMatchObject({ keptUp: true, reasons: [] });
    expect(verdict.backlogGrowthPerSecond).toBeLessThan(1);
  });

  it('fell behind slowly: completing 93 % of the offered rate over the second half', () => {
    const at70 = Array.from({ length: 70 * seconds }, (_, i) => scheduledSendMs(i, 70));
    // On time for the first half, then 65 a second: the backlog grows 5 a second.
    const outcomes = at70.map((t, i) => (t < 30_000 ? t + 500 : 30_500 + ((i - 2100) * 1000) / 65));
    const verdict = keepUpVerdict(at70, outcomes, seconds);
    expect(verdict.keptUp).toBe(false);
    expect(verdict.backlogGrowthPerSecond).toBeCloseTo(5, 0);
  });

  it('a long tail after the sending stopped is not keeping up', () => {
    const outcomes = scheduled.map((t, i) => (i === scheduled.length - 1 ? t + 9000 : t + 50));
    const verdict = keepUpVerdict(scheduled, outcomes, seconds);
    expect(verdict.keptUp).toBe(false);
    expect(verdict.reasons).toEqual(['the tail took 9.0 s to drain']);
  });

  it('lost sagas are not keeping up, whatever the rate looked like', () => {
    const outcomes: (number | undefined)[] = scheduled.map((t) => t + 50);
    outcomes[10] = undefined;
    const verdict = keepUpVerdict(scheduled, outcomes, seconds);
    expect(verdict.keptUp).toBe(false);
    expect(verdict.drainSeconds).toBe(Infinity);
    expect(verdict.reasons).toEqual(['1 sagas never completed']);
  });
});

describe("the confirmation email's order", () => {
  it('is read from the Subject, folded or not', () => {
    const header =
      'From: a@b\r\nSubject: Your services are reactivated\r\n (order 3f1c-77_a)\r\nTo: c@d\r\n\r\nbody';
    expect(confirmedOrderOf(subjectOf(header))).toBe('3f1c-77_a');
  });

  it('other emails name no confirmed order', () => {
    const header = 'Subject: Payment received for your service reactivation (order 42)\r\n\r\n';
    expect(confirmedOrderOf(subjectOf(header))).toBeUndefined();
    expect(subjectOf('To: x\r\n\r\nSubject: in the body')).toBeUndefined();
  });
});

describe('where the time went, hop by hop', () => {
  const saga = (due: number, offsets: number[]) => ({
    due,
    stageAt: {
      OrderPaid: due + offsets[0],
      EligibilityVerified: due + offsets[1],
      EntitlementsRestored: due + offsets[2],
      OrderFulfilled: due + offsets[3],
    },
    confirmationEmailAt: due + offsets[4],
    timelineCompleteAt: due + offsets[5],
  });

  it('each hop from the step it waits on, the email and the timeline from theirs', () => {
    const hops = hopLatencies([saga(1000, [6, 13, 21, 33, 45, 39])]);
    expect(hops).toEqual({
      'payment → OrderPaid': { count: 1, p50: 6, p90: 6, p99: 6 },
      'OrderPaid → EligibilityVerified': { count: 1, p50: 7, p90: 7, p99: 7 },
      'EligibilityVerified → EntitlementsRestored': { count: 1, p50: 8, p90: 8, p99: 8 },
      'EntitlementsRestored → OrderFulfilled': { count: 1, p50: 12, p90: 12, p99: 12 },
      'EntitlementsRestored → confirmation accepted': { count: 1, p50: 24, p90: 24, p99: 24 },
      'OrderFulfilled → timeline complete': { count: 1, p50: 6, p90: 6, p99: 6 },
    });
  });

  it('percentiles over the sagas, a slow one showing in the tail of its own hop only', () => {
    const sagas = Array.from({ length: 100 }, (_, i) => saga(i * 50, [5, 10, 15, 20, 25, 30]));
    sagas[7].stageAt.EntitlementsRestored += 200; // licensing took 200 ms longer for one saga
    const hops = hopLatencies(sagas);
    expect(hops['EligibilityVerified → EntitlementsRestored']).toEqual({
      count: 100,
      p50: 5,
      p90: 5,
      p99: 5,
    });
    expect(
      hopLatencies([...sagas, sagas[7]])['EligibilityVerified → EntitlementsRestored'].p99,
    ).toBe(205);
    expect(hops['payment → OrderPaid'].p99).toBe(5);
  });

  it('a saga missing a step counts in no hop that needs it', () => {
    const lost = { due: 0, stageAt: { OrderPaid: 4 } };
    const hops = hopLatencies([saga(0, [6, 13, 21, 33, 45, 39]), lost]);
    expect(hops['payment → OrderPaid'].count).toBe(2);
    expect(hops['OrderPaid → EligibilityVerified'].count).toBe(1);
    expect(hops['EntitlementsRestored → confirmation accepted'].count).toBe(1);
  });
});
