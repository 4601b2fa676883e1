import { inSendingOrder, sendingWaves } from './send-order';

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

describe('the waves emails are sent in', () => {
  it('sends at most one message per connection at once, each order in its order', () => {
    const waves = sendingWaves([['o1:a', 'o1:b', 'o1:c'], ['o2:a'], ['o3:a', 'o3:b'], ['o4:a']], 3);
    expect(waves).toEqual([['o1:a', 'o2:a', 'o3:a'], ['o1:b', 'o3:b', 'o4:a'], ['o1:c']]);
    for (const wave of waves) {
      expect(wave.length).toBeLessThanOrEqual(3);
      expect(new Set(wave.map((m) => m.split(':')[0])).size).toBe(wave.length);
    }
  });

  it('sends nothing for no messages', () => {
    expect(sendingWaves([], 3)).toEqual([]);
  });
});
