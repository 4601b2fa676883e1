import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { SupportCase } from '../roster/roster.port';
import { DeliverEmailsUsecase, RecordInProgress } from './deliver-emails.usecase';
import { EmailStages } from './email.templates';
import { NotificationEntity } from './notification.entity';
import { EmailClaim, NotificationRepository } from './notification.repository';
import { RecordSentEmailUsecase } from './record-sent-email.usecase';
import { SendingLedger, SentEmail } from './sending-ledger';
import { OutgoingEmail, SmtpMailer } from './smtp.mailer';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ([resolve, reject] = [res, rej]));
  return { promise, resolve, reject };
}

/** Lets the promise chains run until `condition` holds (each turn a full turn of the loop). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(condition()).toBe(true);
}

const kase = {
  customer: { name: 'Jane Doe', email: 'jane@customer.example' },
  contact: { name: 'Sam Support', email: 'sam@poly.example' },
  paid: null,
} as unknown as SupportCase;

/** Message `id` of order `orderId` (`first`: the order's first email in saga order). */
function message(orderId: string, id: string, first = true): NotificationEntity {
  return Object.assign(new NotificationEntity(), {
    id,
    orderId,
    accountId: 'acc-1',
    audience: 'CUSTOMER',
    stage: first ? EmailStages.RenewalReminder : EmailStages.Stalled,
    content: first
      ? { licenseId: 'lic-1', product: 'Poly Studio', expiresAt: '2027-06-30T00:00:00.000Z' }
      : {
          stage: 'OrderPaid',
          since: '2026-11-23T10:00:00.000Z',
          deadline: '2026-11-23T10:10:00.000Z',
        },
    dueAt: new Date('2026-12-01T10:00:00.000Z'),
    claimedAt: new Date('2026-12-01T10:00:00.000Z'),
    attempts: 1,
    supportCase: kase,
  });
}

/** The use case with an SMTP server and a database whose every answer the test gives. */
function harness(windowSize: number, recordLingerMs = 0) {
  const env = Object.assign(new NotificationsEnvironment(), {
    EMAIL_WAVE_SIZE: windowSize,
    EMAIL_RECORD_LINGER_MS: recordLingerMs,
    EMAIL_CLAIM_TIMEOUT_MS: 60_000,
    EMAIL_MAX_ATTEMPTS: 10,
    EMAIL_RETRY_BASE_MS: 1000,
    STATUS_PAGE_BASE_URL: 'https://status.poly.example/status.html',
    STATUS_PAGE_SECRET: 's'.repeat(48),
    STATUS_PAGE_LINK_TTL_DAYS: 30,
    OPS_EMAIL: 'ops@poly.example',
  });
  const ledger = new SendingLedger(env);
  const answers = new Map<string, Deferred<string>>();
  const records: { emails: string[]; outcome: Deferred<void>; done?: boolean }[] = [];
  let recordsInProgress = 0;
  let mostInProgress = 0;
  const released: string[] = [];
  const mailer = {
    send: (email: OutgoingEmail) => {
      const id = email.messageId.slice(1, email.messageId.indexOf('@'));
      const answer = deferred<string>();
      answers.set(id, answer);
      return answer.promise;
    },
  };
  const recordSent = {
    execute: async (emails: SentEmail[]) => {
      const outcome = deferred<void>();
      records.push({ emails: emails.map((e) => e.notification.id), outcome });
      mostInProgress = Math.max(mostInProgress, ++recordsInProgress);
      try {
        await outcome.promise;
      } finally {
        recordsInProgress--;
      }
    },
  };
  const notifications = {
    release: async (_manager: unknown, claims: EmailClaim[]) => {
      released.push(...claims.map((c) => c.id));
    },
  };
  const metrics = {
    emails: { inc: () => undefined },
    emailDelivery: { startTimer: () => () => undefined },
  };
  const usecase = new DeliverEmailsUsecase(
    { manager: {} } as DataSource,
    notifications as unknown as NotificationRepository,
    mailer as unknown as SmtpMailer,
    ledger,
    recordSent as unknown as RecordSentEmailUsecase,
    env,
    metrics as unknown as NotificationsMetrics,
  );
  const recorded = () => new Set(records.filter((r) => r.done).flatMap((r) => r.emails));
  return {
    usecase,
    ledger,
    answers,
    records,
    released,
    mostRecordsAtOnce: () => mostInProgress,
    /** Emails the SMTP server was asked to take and whose record has not ended. */
    unrecorded: () => [...answers.keys()].filter((id) => !recorded().has(id)).length,
    endRecord: (index: number, error?: Error) => {
      records[index].done = true;
      if (error) records[index].outcome.reject(error);
      else records[index].outcome.resolve();
    },
  };
}

describe('delivering claimed emails', () => {
  // The warnings a failed record logs are what the code does, not what these tests look at.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

  it('never has more than EMAIL_WAVE_SIZE sent and not recorded, one order one at a time, one record at a time', async () => {
    const h = harness(4);
    const batch = [
      message('order-a', 'a1'),
      message('order-a', 'a2', false),
      ...['b', 'c', 'd', 'e', 'f'].map((o) => message(`order-${o}`, `${o}1`)),
    ];
    const delivered = h.usecase.execute(batch);

    await until(() => h.answers.size === 4);
    expect([...h.answers.keys()]).toEqual(['a1', 'b1', 'c1', 'd1']);
    // Answered: recorded at once, and while that record is in progress nothing takes its room.
    h.answers.get('a1')!.resolve('<a1>');
    await until(() => h.records.length === 1);
    expect(h.records[0].emails).toEqual(['a1']);
    expect(h.answers.size).toBe(4);
    // Answered while the record is in progress: they wait for the next record.
    h.answers.get('b1')!.resolve('<b1>');
    h.answers.get('c1')!.resolve('<c1>');
    h.endRecord(0);
    // a1 recorded: room for one more, the order's second email (answered first) comes first.
    await until(() => h.records.length === 2);
    expect(h.records[1].emails).toEqual(['b1', 'c1']);
    await until(() => h.answers.size === 5);
    expect([...h.answers.keys()][4]).toBe('a2');
    expect(h.unrecorded()).toBeLessThanOrEqual(4);
    h.endRecord(1);
    await until(() => h.answers.size === 7);
    expect(h.unrecorded()).toBeLessThanOrEqual(4);
    for (const id of ['d1', 'a2', 'e1', 'f1']) h.answers.get(id)!.resolve(`<${id}>`);
    await until(() => h.records.length === 3);
    h.endRecord(2);
    const last: RecordInProgress = await delivered;
    expect(await last.done).toBe(true);
    expect(h.records.flatMap((r) => r.emails).sort()).toEqual(
      ['a1', 'a2', 'b1', 'c1', 'd1', 'e1', 'f1'].sort(),
    );
    expect(h.mostRecordsAtOnce()).toBe(1);
    expect(h.released).toEqual([]);
    expect(h.ledger.heldIds()).toEqual([]);
  });

  it('sends nothing more once a record fails, and keeps what was answered meanwhile', async () => {
    const h = harness(4);
    const batch = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((o) => message(`order-${o}`, o));
    const delivered = h.usecase.execute(batch);

    await until(() => h.answers.size === 4);
    h.answers.get('a')!.resolve('<a>');
    await until(() => h.records.length === 1);
    h.answers.get('b')!.resolve('<b>');
    h.answers.get('c')!.resolve('<c>');
    h.endRecord(0, new Error('connection terminated'));
    h.answers.get('d')!.resolve('<d>');
    const last = await delivered;

    expect(await last.done).toBe(false);
    // Four sent, all kept to be recorded when the database answers; nothing else went out.
    expect([...h.answers.keys()]).toEqual(['a', 'b', 'c', 'd']);
    expect(h.records).toHaveLength(1);
    expect(
      h.ledger
        .unrecordedEmails()
        .map((e) => e.notification.id)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(h.released.sort()).toEqual(['e', 'f', 'g', 'h']);
  });

  it("sends the messages handed over while a batch is sent at once, behind their order's", async () => {
    const h = harness(4);
    const delivered = h.usecase.execute([message('order-a', 'a1')]);
    await until(() => h.answers.size === 1);

    // Queued and claimed by a commit while a1 waits for its SMTP answer: sent without waiting.
    h.ledger.handOver([message('order-b', 'b1'), message('order-a', 'a2', false)]);
    await until(() => h.answers.size === 2);
    expect([...h.answers.keys()]).toEqual(['a1', 'b1']);
    // a2 follows a1, its order's email before it, once the server answered for a1.
    h.answers.get('a1')!.resolve('<a1>');
    await until(() => h.answers.size === 3);
    expect([...h.answers.keys()][2]).toBe('a2');
    await until(() => h.records.length === 1);
    h.answers.get('b1')!.resolve('<b1>');
    h.answers.get('a2')!.resolve('<a2>');
    h.endRecord(0);
    await until(() => h.records.length === 2);
    h.endRecord(1);
    expect(await (await delivered).done).toBe(true);
    expect(h.records.flatMap((r) => r.emails).sort()).toEqual(['a1', 'a2', 'b1']);
    expect(h.ledger.takeHandedOver()).toEqual([]);
    expect(h.ledger.heldIds()).toEqual([]);
    expect(h.released).toEqual([]);
  });

  it('gives back the messages it took in and did not send when the process stops', async () => {
    const h = harness(2);
    let running = true;
    const delivered = h.usecase.execute([message('order-a', 'a1')], () => running);
    await until(() => h.answers.size === 1);
    // Both taken in; room for one of them beside a1.
    h.ledger.handOver([message('order-b', 'b1'), message('order-c', 'c1')]);
    await until(() => h.answers.size === 2);
    running = false;
    h.answers.get('a1')!.resolve('<a1>');
    h.answers.get('b1')!.resolve('<b1>');
    await until(() => h.records.length === 1);
    h.endRecord(0);
    if (h.records.length > 1) h.endRecord(1);
    expect(await (await delivered).done).toBe(true);

    expect([...h.answers.keys()]).toEqual(['a1', 'b1']);
    expect(h.released).toEqual(['c1']);
    expect(h.ledger.takeHandedOver()).toEqual([]);
    expect(h.ledger.heldIds()).toEqual([]);
  });

  it('keeps a record open for the emails answered after it, and hands it on still open', async () => {
    const h = harness(4, 3_600_000);
    const delivered = h.usecase.execute([message('order-a', 'a1'), message('order-b', 'b1')]);
    await until(() => h.answers.size === 2);
    h.answers.get('a1')!.resolve('<a1>');
    h.answers.get('b1')!.resolve('<b1>');
    const last = await delivered;

    // Both answered, neither written yet: one record holds them, and still counts them.
    expect(h.records).toHaveLength(0);
    expect(last.emails).toBe(2);
    last.close!();
    await until(() => h.records.length === 1);
    expect(h.records[0].emails).toEqual(['a1', 'b1']);
    h.endRecord(0);
    expect(await last.done).toBe(true);
    expect(last.join!([])).toBe(false);
    expect(h.ledger.heldIds()).toEqual([]);
  });

  it('writes the open record at once when EMAIL_WAVE_SIZE is reached', async () => {
    const h = harness(2, 3_600_000);
    const delivered = h.usecase.execute(['a', 'b', 'c'].map((o) => message(`order-${o}`, o)));
    await until(() => h.answers.size === 2);
    h.answers.get('a')!.resolve('<a>');
    h.answers.get('b')!.resolve('<b>');
    // No room left for c: the record does not wait for its linger to end.
    await until(() => h.records.length === 1);
    expect(h.records[0].emails).toEqual(['a', 'b']);
    expect(h.answers.size).toBe(2);
    h.endRecord(0);
    await until(() => h.answers.size === 3);
    h.answers.get('c')!.resolve('<c>');
    const last = await delivered;
    last.close!();
    await until(() => h.records.length === 2);
    h.endRecord(1);
    expect(await last.done).toBe(true);
    expect(h.records.map((r) => r.emails)).toEqual([['a', 'b'], ['c']]);
  });

  it('writes a record when EMAIL_RECORD_LINGER_MS has passed', async () => {
    const h = harness(4, 5);
    const delivered = h.usecase.execute([message('order-a', 'a1')]);
    await until(() => h.answers.size === 1);
    h.answers.get('a1')!.resolve('<a1>');
    const last = await delivered;
    const written = new Promise<void>((resolve) => {
      const look = () => (h.records.length > 0 ? resolve() : setTimeout(look, 1));
      look();
    });
    await written;
    h.endRecord(0);
    expect(await last.done).toBe(true);
    expect(h.records[0].emails).toEqual(['a1']);
  });

  it('with EMAIL_WAVE_SIZE=1, records each email before it sends the next', async () => {
    const h = harness(1);
    const delivered = h.usecase.execute([message('order-a', 'a'), message('order-b', 'b')]);

    await until(() => h.answers.size === 1);
    h.answers.get('a')!.resolve('<a>');
    await until(() => h.records.length === 1);
    expect(h.answers.size).toBe(1);
    h.endRecord(0);
    await until(() => h.answers.size === 2);
    h.answers.get('b')!.resolve('<b>');
    await until(() => h.records.length === 2);
    h.endRecord(1);
    expect(await (await delivered).done).toBe(true);
  });
});
