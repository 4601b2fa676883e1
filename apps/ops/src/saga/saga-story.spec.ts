import { SagaDeadLetter, SagaEvent, stillDead, storyOf, verdictOf } from './saga-story';

const NOW = new Date('2026-11-23T12:00:00Z');
const MINUTE = 60_000;

function event(type: string, minutesAgo: number, extra: Partial<SagaEvent> = {}): SagaEvent {
  return {
    id: `${type}-id`,
    type,
    source: 'poly.reactivation.test',
    time: new Date(NOW.getTime() - minutesAgo * MINUTE).toISOString(),
    correlationId: 'order-1',
    topic: 'reactivation.billing.v1',
    partition: 0,
    offset: String(100 - minutesAgo),
    data: { orderId: 'order-1', accountId: 'acc-1' },
    ...extra,
  };
}

describe('saga verdict', () => {
  it('shows a saga handed to ops as MANUAL_HANDLING until its deadline, then STUCK', () => {
    const manual = event('ManualHandlingRequired', 10, {
      data: {
        orderId: 'order-1',
        accountId: 'acc-1',
        reason: 'REFUND_AMOUNT_MISMATCH',
        detail: 'refund rf-1 was settled as 4800 EUR, requested 4900 EUR',
        deadline: new Date(NOW.getTime() + 60 * MINUTE).toISOString(),
      },
    });
    const events = [
      event('OrderPaid', 40),
      event('ReactivationFailed', 38),
      event('RefundRequested', 37),
      manual,
    ];
    const verdict = verdictOf(events, [], NOW, 5 * MINUTE);
    expect(verdict).toMatchObject({ state: 'MANUAL_HANDLING', nextActor: 'ops' });
    expect(verdict.summary).toContain('REFUND_AMOUNT_MISMATCH');
    expect(verdict.summary).toContain('settled as 4800 EUR');
    const overdue = verdictOf(events, [], new Date(NOW.getTime() + 61 * MINUTE), 5 * MINUTE);
    expect(overdue.state).toBe('STUCK');
  });

  it('is finished once the order is fulfilled or refunded', () => {
    const verdict = verdictOf(
      [
        event('OrderPaid', 30),
        event('EligibilityVerified', 29),
        event('EntitlementsRestored', 28),
        event('OrderFulfilled', 27),
      ],
      [],
      NOW,
      5 * MINUTE,
    );
    expect(verdict).toMatchObject({ state: 'FINISHED', outcome: 'OrderFulfilled' });
  });

  it('names the stage, the wait and the service expected to act when a saga stalls', () => {
    const verdict = verdictOf(
      [event('OrderPaid', 40), event('EligibilityVerified', 38)],
      [],
      NOW,
      5 * MINUTE,
    );
    expect(verdict).toMatchObject({
      state: 'STUCK',
      stage: 'EligibilityVerified',
      nextActor: 'licensing',
    });
    expect(verdict.waitingMs).toBe(38 * MINUTE);
    expect(verdict.summary).toContain('STUCK at EligibilityVerified for 38m');
  });

  it('is only in progress while the stage is younger than the stuck threshold', () => {
    const verdict = verdictOf([event('OrderPaid', 1)], [], NOW, 5 * MINUTE);
    expect(verdict).toMatchObject({ state: 'IN_PROGRESS', nextActor: 'eligibility' });
  });

  it('waits without being stuck for a scheduled activation or a review before its deadline', () => {
    const scheduled = event('ActivationScheduled', 60, {
      data: { orderId: 'order-1', accountId: 'acc-1', scheduledFor: '2026-11-24T08:00:00Z' },
    });
    expect(verdictOf([event('OrderPaid', 62), scheduled], [], NOW, 5 * MINUTE)).toMatchObject({
      state: 'WAITING',
      nextActor: 'licensing',
      until: '2026-11-24T08:00:00Z',
    });
    const review = event('EligibilityReviewRequired', 60, {
      data: { orderId: 'order-1', accountId: 'acc-1', deadline: '2026-11-23T11:00:00Z' },
    });
    expect(verdictOf([event('OrderPaid', 62), review], [], NOW, 5 * MINUTE)).toMatchObject({
      state: 'STUCK',
      nextActor: 'ops review',
    });
  });

  it('points at the refund steps after a rejection', () => {
    expect(
      verdictOf([event('OrderPaid', 20), event('EligibilityRejected', 19)], [], NOW, MINUTE)
        .nextActor,
    ).toBe('billing');
    expect(
      verdictOf([event('OrderPaid', 20), event('RefundRequested', 19)], [], NOW, MINUTE).nextActor,
    ).toBe('upstream billing');
  });

  it('blames a dead letter of the service expected to act', () => {
    const verdict = verdictOf(
      [event('OrderPaid', 1)],
      [
        {
          id: 'reactivation-eligibility:0:3',
          group: 'reactivation-eligibility',
          type: 'OrderPaid',
          errorCode: 'P0001',
          reason: 'boom',
        },
      ],
      NOW,
      5 * MINUTE,
    );
    expect(verdict.state).toBe('STUCK');
    expect(verdict.summary).toContain('dead-lettered by reactivation-eligibility (P0001: boom)');
  });

  it('says when there is nothing of that order', () => {
    expect(verdictOf([], [], NOW, MINUTE).state).toBe('NOT_FOUND');
  });
});

describe('dead letters still holding a saga', () => {
  const paid = event('OrderPaid', 10, { id: 'paid-1' });
  const dead: SagaDeadLetter = {
    id: 'reactivation-eligibility:0:3',
    group: 'reactivation-eligibility',
    type: 'OrderPaid',
    eventId: 'paid-1',
  };

  it('keeps a dead letter that another service reacted to (notifications follows every event)', () => {
    const assigned = event('SupportContactAssigned', 9, {
      causationId: 'paid-1',
      source: 'poly.reactivation.notifications',
    });
    expect(stillDead([dead], [paid, assigned])).toEqual([dead]);
  });

  it('drops a dead letter once its own service handled the event (it was redriven)', () => {
    const verified = event('EligibilityVerified', 1, {
      causationId: 'paid-1',
      source: 'poly.reactivation.eligibility',
    });
    expect(stillDead([dead], [paid, verified])).toEqual([]);
  });
});

describe('saga story', () => {
  it('orders events by time and says what caused each', () => {
    const paid = event('OrderPaid', 10);
    const verified = event('EligibilityVerified', 9, {
      causationId: paid.id,
      source: 'poly.reactivation.eligibility',
    });
    const story = storyOf([verified, paid]);
    expect(story.map((line) => line.type)).toEqual(['OrderPaid', 'EligibilityVerified']);
    expect(story[1]).toMatchObject({
      causedBy: 'OrderPaid',
      source: 'poly.reactivation.eligibility',
    });
  });
});
