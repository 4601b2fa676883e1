import { EMAIL_CLAIM_BATCH, NotificationsEnvironment } from '../notifications.config';
import { NotificationEntity } from './notification.entity';
import { SendingLedger } from './sending-ledger';

const env = Object.assign(new NotificationsEnvironment(), { EMAIL_CLAIM_TIMEOUT_MS: 60_000 });
const now = new Date('2026-12-01T10:00:00.000Z');

function claimed(count: number): NotificationEntity[] {
  return Array.from({ length: count }, (_, i) =>
    Object.assign(new NotificationEntity(), { id: `n-${i}`, claimedAt: now }),
  );
}

describe('the sending ledger', () => {
  it('lets a queueing transaction claim, under its owner and lease, what it has room for', () => {
    const ledger = new SendingLedger(env);

    expect(ledger.claimOnQueue(now)).toEqual({
      owner: ledger.owner,
      claimedAt: now,
      leaseUntil: new Date(now.getTime() + 60_000),
      limit: EMAIL_CLAIM_BATCH,
    });
    ledger.handOver(claimed(10));
    ledger.startSending(claimed(15)[14]);
    expect(ledger.claimOnQueue(now)?.limit).toBe(EMAIL_CLAIM_BATCH - 11);
  });

  it('claims nothing on queueing while it holds a claim batch waiting or being sent', () => {
    const ledger = new SendingLedger(env);
    ledger.handOver(claimed(EMAIL_CLAIM_BATCH));

    expect(ledger.claimOnQueue(now)).toBeUndefined();
    ledger.takeHandedOver(1);
    expect(ledger.claimOnQueue(now)?.limit).toBe(1);
  });

  it('gives out what was handed over once, oldest first, and keeps its lease until then', () => {
    const ledger = new SendingLedger(env);
    ledger.handOver(claimed(3));

    expect(ledger.heldIds()).toEqual(['n-0', 'n-1', 'n-2']);
    expect(ledger.takeHandedOver(2).map((n) => n.id)).toEqual(['n-0', 'n-1']);
    expect(ledger.takeHandedOver().map((n) => n.id)).toEqual(['n-2']);
    expect(ledger.takeHandedOver()).toEqual([]);
    expect(ledger.heldIds()).toEqual([]);
  });
});
