import { inSendingOrder } from './send-order';

const message = (orderId: string, stage: string, dueAt = new Date('2026-11-23T10:00:00Z')) => ({
  orderId,
  stage,
  dueAt,
});

describe('the order emails are sent in', () => {
  it('sends an order rejection before its refund, and its payment email first, whatever the claim order', () => {
    const groups = inSendingOrder([
      message('o1', 'OrderRefunded'),
      message('o2', 'EntitlementsRestored'),
      message('o1', 'EligibilityRejected'),
      message('o1', 'OrderPaid'),
      message('o2', 'OrderPaid'),
    ]);
    expect(groups.map((g) => g.map((m) => `${m.orderId}:${m.stage}`))).toEqual([
      ['o1:OrderPaid', 'o1:EligibilityRejected', 'o1:OrderRefunded'],
      ['o2:OrderPaid', 'o2:EntitlementsRestored'],
    ]);
  });

  it('sends messages of the same stage (reminders) as they fall due', () => {
    const [group] = inSendingOrder([
      message('o1', 'RenewalReminder', new Date('2026-12-02T00:00:00Z')),
      message('o1', 'RenewalReminder', new Date('2026-12-01T00:00:00Z')),
    ]);
    expect(group.map((m) => m.dueAt.toISOString())).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-02T00:00:00.000Z',
    ]);
  });
});
