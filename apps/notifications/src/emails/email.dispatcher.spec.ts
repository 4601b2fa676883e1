import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { DeliverEmailsUsecase } from './deliver-emails.usecase';
import { EmailDispatcher } from './email.dispatcher';
import { NotificationEntity } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { RecordSentEmailUsecase } from './record-sent-email.usecase';
import { SendingLedger } from './sending-ledger';

const env = Object.assign(new NotificationsEnvironment(), { EMAIL_CLAIM_TIMEOUT_MS: 60_000 });

function message(id: string): NotificationEntity {
  return Object.assign(new NotificationEntity(), {
    id,
    orderId: `order-of-${id}`,
    stage: 'OrderPaid',
    dueAt: new Date(),
    claimedAt: new Date(),
  });
}

/** A dispatcher over these queue and delivery stand-ins (no database, no SMTP). */
function dispatcherOf(
  ledger: SendingLedger,
  notifications: object,
  deliver: object,
): EmailDispatcher {
  return new EmailDispatcher(
    { manager: {} } as DataSource,
    notifications as NotificationRepository,
    deliver as DeliverEmailsUsecase,
    {} as RecordSentEmailUsecase,
    ledger,
    env,
  );
}

describe('the email dispatcher', () => {
  it('claims what waits in the queue between batches handed over, while commits keep handing some over', async () => {
    const ledger = new SendingLedger(env);
    const batches: string[][] = [];
    let handOvers = 0;
    let allSent: () => void;
    const done = new Promise<void>((resolve) => (allSent = resolve));
    // Each send takes as long as the next commit: that commit hands one more message over, five
    // times in a row. A message queued unclaimed waits in the queue meanwhile.
    const deliver = {
      execute: async (batch: NotificationEntity[]) => {
        batches.push(batch.map((n) => n.id));
        if (handOvers < 5) ledger.handOver([message(`handed-${++handOvers}`)]);
        if (batches.flat().length === 7) allSent();
        return { done: Promise.resolve(true), emails: 0 };
      },
      giveBack: async () => undefined,
    };
    const waiting = [message('waiting')];
    const notifications = {
      claimDue: async () => waiting.splice(0),
    };
    const dispatcher = dispatcherOf(ledger, notifications, deliver);

    ledger.handOver([message('handed-0')]);
    dispatcher.wake();
    await done;
    await dispatcher.beforeApplicationShutdown();

    expect(batches.flat()).toHaveLength(7);
    // Its turn came after the first batch handed over, not after the last.
    expect(batches.flat().indexOf('waiting')).toBe(1);
  });

  it('stopping, ends the record that lingers for later answers and waits until it is written', async () => {
    const ledger = new SendingLedger(env);
    const events: string[] = [];
    let linger!: () => void;
    // The record of the batch's answers lingers until it is closed (EMAIL_RECORD_LINGER_MS).
    const lingering = new Promise<void>((resolve) => (linger = resolve));
    let batchSent!: () => void;
    const sent = new Promise<void>((resolve) => (batchSent = resolve));
    const deliver = {
      execute: async () => {
        batchSent();
        return {
          done: lingering.then(() => {
            events.push('record written');
            return true;
          }),
          emails: 1,
          close: () => {
            events.push('record closed');
            linger();
          },
        };
      },
      giveBack: async () => undefined,
    };
    const dispatcher = dispatcherOf(ledger, { claimDue: async () => [] }, deliver);

    ledger.handOver([message('handed-0')]);
    dispatcher.wake();
    await sent;
    await dispatcher.beforeApplicationShutdown();

    expect(events).toEqual(['record closed', 'record written']);
  });
});

describe('the email dispatcher, woken by a commit that handed messages over', () => {
  afterEach(() => jest.useRealTimers());

  it('starts sending them once the code running now is done, without waiting for a timer', async () => {
    // Timers frozen: only a send that waits for none can happen.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const ledger = new SendingLedger(env);
    const sent: string[] = [];
    const deliver = {
      execute: async (batch: NotificationEntity[]) => {
        sent.push(...batch.map((n) => n.id));
        return { done: Promise.resolve(true), emails: 0 };
      },
      giveBack: async () => undefined,
    };
    const dispatcher = dispatcherOf(ledger, { claimDue: async () => [] }, deliver);

    ledger.handOver([message('handed-0')]);
    dispatcher.wake({ claim: false });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));

    expect(sent).toEqual(['handed-0']);
    jest.useRealTimers();
    await dispatcher.beforeApplicationShutdown();
  });
});
