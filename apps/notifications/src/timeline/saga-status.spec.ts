import { displayedStatus, stageDetails, stageEffect, TimelineEventType } from './saga-status';

/** Folds events the way the database upsert does: the highest rank wins, the first of a rank stays. */
function fold(events: [TimelineEventType, object][]): string {
  let best = { rank: 0, status: 'PAID' };
  for (const [type, data] of events) {
    const effect = stageEffect(type, data);
    if (effect.rank > best.rank) best = effect;
  }
  return best.status;
}

describe('saga status', () => {
  it('follows the happy path to FULFILLED', () => {
    expect(
      fold([
        ['OrderPaid', {}],
        ['EligibilityVerified', {}],
        ['EntitlementsRestored', {}],
        ['OrderFulfilled', {}],
      ]),
    ).toBe('FULFILLED');
  });

  it('does not go back when events of different topics arrive out of order', () => {
    expect(
      fold([
        ['EntitlementsRestored', {}],
        ['OrderPaid', {}],
        ['EligibilityVerified', {}],
      ]),
    ).toBe('RESTORED');
  });

  it('is REFUND_PENDING after a rejection and REFUNDED once the refund settles', () => {
    const rejected: [TimelineEventType, object] = [
      'EligibilityRejected',
      { reasons: ['OUTSTANDING_BALANCE'] },
    ];
    expect(fold([['OrderPaid', {}], rejected])).toBe('REFUND_PENDING');
    expect(
      fold([['OrderPaid', {}], rejected, ['OrderRefunded', { reasons: ['OUTSTANDING_BALANCE'] }]]),
    ).toBe('REFUNDED');
  });

  it('is MANUAL_HANDLING when a refund needs ops, shown as such once escalated, REFUNDED if ops settle it', () => {
    const failed: [TimelineEventType, object] = [
      'ReactivationFailed',
      { reasons: ['LICENSE_REVOKED'] },
    ];
    const manual: [TimelineEventType, object] = ['ManualHandlingRequired', {}];
    expect(fold([['OrderPaid', {}], failed, manual])).toBe('MANUAL_HANDLING');
    expect(fold([['OrderPaid', {}], manual, failed])).toBe('MANUAL_HANDLING');
    expect(
      displayedStatus({
        status: 'MANUAL_HANDLING',
        progressStage: 'ManualHandlingRequired',
        stalledStage: 'ManualHandlingRequired',
      }),
    ).toBe('MANUAL_HANDLING');
    expect(fold([['OrderPaid', {}], failed, manual, ['OrderRefunded', {}]])).toBe('REFUNDED');
  });

  it('keeps a fulfilled order fulfilled when a second payment is rejected and refunded', () => {
    const duplicate = { reasons: ['DUPLICATE_PAYMENT'] };
    expect(
      fold([
        ['OrderPaid', {}],
        ['OrderFulfilled', {}],
        ['PaymentRejected', duplicate],
        ['OrderRefunded', duplicate],
      ]),
    ).toBe('FULFILLED');
  });

  it('never lets our own notifications move the saga', () => {
    expect(
      fold([
        ['OrderPaid', {}],
        ['EligibilityVerified', {}],
        ['CustomerNotified', {}],
        ['SupportContactAssigned', {}],
      ]),
    ).toBe('VERIFIED');
  });

  it('remembers the change window end and the review deadline', () => {
    expect(
      stageEffect('OrderPaid', { changeWindow: { startsAt: 'a', endsAt: 'b' } }).windowEndsAt,
    ).toBe('b');
    expect(stageEffect('EligibilityReviewRequired', { deadline: 'd' }).reviewDeadline).toBe('d');
  });

  it('shows STALLED only while the saga is stuck at the stalled stage', () => {
    expect(
      displayedStatus({
        status: 'VERIFIED',
        progressStage: 'EligibilityVerified',
        stalledStage: 'EligibilityVerified',
      }),
    ).toBe('STALLED');
    expect(
      displayedStatus({
        status: 'RESTORED',
        progressStage: 'EntitlementsRestored',
        stalledStage: 'EligibilityVerified',
      }),
    ).toBe('RESTORED');
    expect(
      displayedStatus({
        status: 'FULFILLED',
        progressStage: 'OrderFulfilled',
        stalledStage: 'OrderFulfilled',
      }),
    ).toBe('FULFILLED');
  });

  it('never shows the customer personal data in stage details', () => {
    const details = stageDetails({
      orderId: 'o',
      accountId: 'a',
      customer: { email: 'x@y' },
      region: 'EU',
    });
    expect(details).toEqual({ region: 'EU' });
  });
});
