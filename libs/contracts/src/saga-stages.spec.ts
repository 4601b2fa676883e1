import { contractOf, SAGA_STAGES, sagaStage, TERMINAL_STATUSES } from '.';

describe('the saga stage table', () => {
  it.each(SAGA_STAGES.map((stage) => [stage.event, stage]))(
    '%s is an event of the catalog',
    (event) => {
      expect(contractOf(event)).toBeDefined();
    },
  );

  it('lets no stage of the timeline wait forever: each one that is not an end has a stall rule and a next actor', () => {
    const waiting = SAGA_STAGES.filter((stage) => stage.timeline && !stage.final);
    expect(waiting.length).toBeGreaterThan(0);
    for (const stage of waiting) {
      expect({ event: stage.event, stall: stage.stall !== undefined }).toEqual({
        event: stage.event,
        stall: true,
      });
      expect({ event: stage.event, next: stage.next !== undefined }).toEqual({
        event: stage.event,
        next: true,
      });
    }
  });

  it('awaits nothing after an end', () => {
    const ends = SAGA_STAGES.filter((stage) => stage.final);
    expect(ends.map((stage) => stage.event).sort()).toEqual(['OrderFulfilled', 'OrderRefunded']);
    for (const stage of ends) {
      expect(stage.next).toBeUndefined();
      expect(stage.stall).toBeUndefined();
    }
    expect([...TERMINAL_STATUSES].sort()).toEqual(['FULFILLED', 'REFUNDED']);
  });

  it('ranks a refund above every stage it can interrupt, and the refund itself last', () => {
    const rank = (event: string) => sagaStage(event)!.timeline!.rank;
    for (const event of ['EligibilityRejected', 'ReactivationFailed', 'PaymentRejected']) {
      expect(rank(event)).toBeGreaterThan(rank('EntitlementsRestored'));
      expect(rank(event)).toBeLessThan(rank('OrderRefunded'));
    }
    expect(Math.max(...SAGA_STAGES.map((s) => s.timeline?.rank ?? 0))).toBe(rank('OrderRefunded'));
  });

  it('knows no stage for an event that is not one', () => {
    expect(sagaStage('CustomerNotified')).toBeUndefined();
  });
});
