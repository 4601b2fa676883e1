import { SagaBoardRow } from './saga-board.query';
import { summaryOf } from './list-sagas.usecase';

const NOW = new Date('2026-11-30T12:00:00Z');

function row(changes: Partial<SagaBoardRow>): SagaBoardRow {
  return {
    orderId: 'order-1',
    accountId: 'acc-1',
    status: 'PAID',
    progressStage: 'OrderPaid',
    progressAt: new Date('2026-11-30T11:55:00Z'),
    stalledStage: null,
    windowEndsAt: null,
    reviewDeadline: null,
    stallDeadline: new Date('2026-11-30T12:05:00Z'),
    region: 'EU',
    contactId: 'eu-amelie-laurent',
    contactName: 'Amélie Laurent',
    ...changes,
  };
}

describe('a saga in the console lists', () => {
  it('says how long it has been in its stage and which list it is in', () => {
    expect(summaryOf(row({}), NOW)).toMatchObject({
      status: 'PAID',
      view: 'in-flight',
      stage: 'OrderPaid',
      secondsInStage: 300,
      supportContact: { contactId: 'eu-amelie-laurent', name: 'Amélie Laurent' },
    });
  });

  it('is stalled while reported stalled at its current stage, in flight again once it moves on', () => {
    expect(summaryOf(row({ stalledStage: 'OrderPaid' }), NOW)).toMatchObject({
      status: 'STALLED',
      view: 'stalled',
    });
    expect(
      summaryOf(
        row({
          status: 'VERIFIED',
          progressStage: 'EligibilityVerified',
          stalledStage: 'OrderPaid',
        }),
        NOW,
      ).view,
    ).toBe('in-flight');
  });

  it('waits for the review deadline or the change window, and names it', () => {
    const deadline = new Date('2026-12-02T12:00:00Z');
    expect(
      summaryOf(
        row({
          status: 'IN_REVIEW',
          progressStage: 'EligibilityReviewRequired',
          reviewDeadline: deadline,
        }),
        NOW,
      ),
    ).toMatchObject({ view: 'waiting', waitingUntil: deadline.toISOString() });
    const windowEnd = new Date('2026-12-01T06:00:00Z');
    expect(
      summaryOf(
        row({ status: 'SCHEDULED', progressStage: 'ActivationScheduled', windowEndsAt: windowEnd }),
        NOW,
      ),
    ).toMatchObject({ view: 'waiting', waitingUntil: windowEnd.toISOString() });
  });

  it('files ended sagas as fulfilled or refunded, even if they had stalled on the way', () => {
    expect(
      summaryOf(
        row({ status: 'REFUNDED', progressStage: 'OrderRefunded', stalledStage: 'OrderRefunded' }),
        NOW,
      ).view,
    ).toBe('refunded');
    expect(summaryOf(row({ status: 'FULFILLED', progressStage: 'OrderFulfilled' }), NOW).view).toBe(
      'fulfilled',
    );
  });
});
