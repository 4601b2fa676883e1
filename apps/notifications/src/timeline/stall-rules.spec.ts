import { isStalled, SagaProgress, StallAllowances, stallDeadline } from './stall-rules';

const allow: StallAllowances = {
  afterPaid: 600,
  afterVerified: 600,
  afterScheduled: 600,
  afterReviewDeadline: 300,
  afterRestored: 120,
  afterRefundRequested: 3600,
};
const T0 = new Date('2026-11-23T10:00:00.000Z');
const plus = (s: number): Date => new Date(T0.getTime() + s * 1000);

function at(stage: string, extra: Partial<SagaProgress> = {}): SagaProgress {
  return {
    progressStage: stage,
    progressAt: T0,
    windowEndsAt: null,
    reviewDeadline: null,
    ...extra,
  };
}

describe('stall rules', () => {
  it('gives a paid saga STALL_AFTER_PAID seconds to be verified', () => {
    expect(isStalled(at('OrderPaid'), allow, plus(599))).toBe(false);
    expect(isStalled(at('OrderPaid'), allow, plus(600))).toBe(true);
  });

  it('waits for a scheduled activation until its change window ends, plus grace', () => {
    const scheduled = at('ActivationScheduled', { windowEndsAt: plus(86_400) });
    expect(isStalled(scheduled, allow, plus(86_400 + 599))).toBe(false);
    expect(isStalled(scheduled, allow, plus(86_400 + 600))).toBe(true);
  });

  it('gives a review until its own deadline plus grace', () => {
    const review = at('EligibilityReviewRequired', { reviewDeadline: plus(172_800) });
    expect(stallDeadline(review, allow)).toEqual(plus(172_800 + 300));
  });

  it('gives a requested refund STALL_AFTER_REFUND_REQUESTED, whatever rejected it', () => {
    for (const stage of ['EligibilityRejected', 'ReactivationFailed', 'PaymentRejected']) {
      expect(stallDeadline(at(stage), allow)).toEqual(plus(3600));
    }
  });

  it('escalates a saga handed to ops at once, so ops and the support contact are told', () => {
    expect(stallDeadline(at('ManualHandlingRequired'), allow)).toEqual(T0);
    expect(isStalled(at('ManualHandlingRequired'), allow, T0)).toBe(true);
  });

  it('uses each stage its own allowance', () => {
    expect(stallDeadline(at('EligibilityVerified'), allow)).toEqual(plus(600));
    expect(stallDeadline(at('EntitlementsRestored'), allow)).toEqual(plus(120));
  });

  it('never stalls an ended saga or one whose progress is unknown', () => {
    expect(stallDeadline(at('OrderFulfilled'), allow)).toBeNull();
    expect(stallDeadline(at('OrderRefunded'), allow)).toBeNull();
    expect(
      stallDeadline(
        { progressStage: null, progressAt: null, windowEndsAt: null, reviewDeadline: null },
        allow,
      ),
    ).toBeNull();
    expect(isStalled(at('OrderFulfilled'), allow, plus(1e9))).toBe(false);
  });
});
