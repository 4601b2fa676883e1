/**
 * One email per message, never two, when things go wrong between the SMTP server and the database:
 * notifications as real processes on the real broker and PostgreSQL, sending to a real SMTP server
 * run by this test. A message marked SENT is never claimed again, so once every message of a test
 * is SENT the mailbox holds all it will ever get.
 */
import {
  ActivationScheduled,
  EligibilityRejected,
  EligibilityReviewRequired,
  OrderPaid,
  OrderRefunded,
} from '@app/contracts';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  queryDatabase,
  ReceivedMail,
  ServiceProcess,
  startService,
  TestMailbox,
  TestPublisher,
  testInfrastructure,
  sealedCustomer,
  openCustomer,
} from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** Short, so that a message whose claim was let go is taken over within the test. */
const LEASE_MS = 2000;

function orderPaid(accountId: string): OrderPaid {
  return {
    orderId: randomUUID(),
    accountId,
    paymentId: randomUUID(),
    region: 'EU',
    licenseIds: ['lic-studio'],
    amount: { amountMinor: 14_880, currency: 'EUR' },
    addOns: [],
    customer: sealedCustomer({
      name: 'Jane Doe',
      email: `jane+${randomUUID().slice(0, 8)}@customer.example`,
    }),
    paidAt: new Date().toISOString(),
  };
}

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('email delivery: each email once (real Kafka, PostgreSQL and SMTP)', () => {
  let smtp: TestMailbox;
  let publisher: TestPublisher;
  let databaseUrl: string;
  let topicPrefix: string;
  let services: ServiceProcess[] = [];

  /** Starts `instances` notifications processes on one fresh database and topic prefix. */
  async function startNotifications(instances: number, env: Record<string, string> = {}) {
    const prefix = await createTestTopics();
    topicPrefix = prefix;
    databaseUrl = await createTestDatabase('emails');
    publisher = await TestPublisher.connect(prefix);
    for (let i = 0; i < instances; i++) {
      services.push(
        await startService('notifications', {
          DATABASE_URL: databaseUrl,
          KAFKA_TOPIC_PREFIX: prefix,
          SMTP_URL: smtp.url,
          EMAIL_SWEEP_MS: '200',
          EMAIL_RETRY_BASE_MS: '200',
          EMAIL_CLAIM_TIMEOUT_MS: String(LEASE_MS),
          ...env,
        }),
      );
    }
  }

  const emailsOf = (orderId: string) =>
    queryDatabase<{ status: string; attempts: number; claimed_at: Date }>(
      databaseUrl,
      `SELECT status, attempts, claimed_at FROM notifications WHERE order_id = $1`,
      [orderId],
    );

  const customerNotifiedIn = async (orderId: string): Promise<number> =>
    (
      await queryDatabase(
        databaseUrl,
        `SELECT 1 FROM timeline_stages WHERE order_id = $1 AND stage = 'CustomerNotified'`,
        [orderId],
      )
    ).length;

  const mailsTo = (address: string): ReceivedMail[] => smtp.to(address);

  /**
   * The service's database goes away (as when PostgreSQL stops) before the SMTP server answers the
   * first email to one of `addresses`, and stays away until `end()`; the emails in flight then are
   * answered once it is away.
   */
  function databaseAwayAtFirstAnswerTo(addresses: string[]) {
    const database = new URL(databaseUrl).pathname.slice(1);
    const admin = testInfrastructure().postgresAdminUrl;
    let down: Promise<void> | undefined;
    let began: () => void;
    const started = new Promise<void>((resolve) => (began = resolve));
    smtp.beforeAnswer = async (mail) => {
      if (!addresses.some((address) => mail.to.includes(address))) return;
      if (down) return down;
      down = (async () => {
        await queryDatabase(admin, `ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
        await queryDatabase(
          admin,
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`,
          [database],
        );
      })();
      await down;
      began();
    };
    return {
      started,
      end: async () => {
        await down;
        await queryDatabase(admin, `ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
      },
    };
  }

  beforeEach(async () => {
    smtp = await TestMailbox.start();
    services = [];
  });

  afterEach(async () => {
    smtp.beforeAnswer = undefined;
    await Promise.all(services.map((service) => service.stop()));
    await publisher?.disconnect();
    await smtp.stop();
  });

  it('sends an email as soon as the transaction that queued it commits, not at the next sweep', async () => {
    // A sweep an hour away: only the wake-up after the commit that queued the email can send it.
    await startNotifications(1, { EMAIL_SWEEP_MS: '3600000' });
    const paid = orderPaid('acc-eu-prompt');
    await publisher.event(OrderPaid, paid);
    await eventually(async () =>
      expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(1),
    );
    await eventually(async () =>
      expect(await emailsOf(paid.orderId)).toMatchObject([{ status: 'SENT', attempts: 1 }]),
    );
  });

  it('sends an email queued before its order was known as soon as the order is, not at the next sweep', async () => {
    // A sweep an hour away: only the commit that makes the customer known can send it.
    await startNotifications(1, { EMAIL_SWEEP_MS: '3600000' });
    const paid = orderPaid('acc-eu-early-stage');
    const { orderId, accountId } = paid;
    const scheduledFor = new Date(Date.now() + 86_400_000).toISOString();
    await publisher.event(ActivationScheduled, { orderId, accountId, scheduledFor });
    await eventually(async () =>
      expect(await emailsOf(orderId)).toMatchObject([{ status: 'PENDING', attempts: 0 }]),
    );
    await publisher.event(OrderPaid, paid);
    await eventually(async () =>
      expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(2),
    );
    await eventually(async () =>
      expect((await emailsOf(orderId)).map((row) => [row.status, row.attempts])).toEqual([
        ['SENT', 1],
        ['SENT', 1],
      ]),
    );
  });

  it('sends once when the database is lost right after the SMTP server accepted the email', async () => {
    await startNotifications(1);
    const paid = orderPaid('acc-eu-outage');
    const database = new URL(databaseUrl).pathname.slice(1);
    const admin = testInfrastructure().postgresAdminUrl;
    let outage: Promise<void> | undefined;
    smtp.beforeAnswer = async (mail) => {
      if (!mail.to.includes(openCustomer(paid.customer).email) || outage) return;
      // The service's database goes away before the server's answer (as when PostgreSQL stops),
      // for longer than the claim's lease, and comes back.
      await queryDatabase(admin, `ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
      await queryDatabase(
        admin,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`,
        [database],
      );
      outage = later(LEASE_MS + 1500).then(async () => {
        await queryDatabase(admin, `ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
      });
    };
    try {
      await publisher.event(OrderPaid, paid);
      await eventually(async () => expect(outage).toBeDefined());
      await outage;
      await eventually(async () =>
        expect(await emailsOf(paid.orderId)).toMatchObject([{ status: 'SENT' }]),
      );
    } finally {
      await outage;
    }
    expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(1);
    expect((await emailsOf(paid.orderId))[0].attempts).toBe(1);
    expect(await customerNotifiedIn(paid.orderId)).toBe(1);
  });

  it('has no more than EMAIL_WAVE_SIZE emails sent and not recorded while its database is away, then each email once', async () => {
    const bound = 3;
    await startNotifications(1, { EMAIL_WAVE_SIZE: String(bound) });
    // One account: the six orders come in one chunk, so their emails are claimed together: three
    // go out at once, the others as those are recorded.
    const orders = [0, 1, 2, 3, 4, 5].map(() => orderPaid('acc-eu-outage-batch'));
    const addresses = orders.map((order) => openCustomer(order.customer).email);
    const outage = databaseAwayAtFirstAnswerTo(addresses);
    const kept = () => services[0].log().split('email sent, not yet recorded').length - 1;
    try {
      await publisher.events(OrderPaid, orders);
      await outage.started;
      // The sender has stopped: a record failed, and it tries again to record what it kept.
      await eventually(async () =>
        expect(services[0].log()).toContain('sent emails still not recorded'),
      );
      expect(kept()).toBeGreaterThanOrEqual(1);
      expect(kept()).toBeLessThanOrEqual(bound);
    } finally {
      await outage.end();
    }
    const rows = await eventually(async () => {
      const all = (await Promise.all(orders.map((o) => emailsOf(o.orderId)))).flat();
      expect(all.map((row) => row.status)).toEqual(Array(6).fill('SENT'));
      return all;
    }, 30_000);
    expect(rows).toHaveLength(6);
    expect(addresses.map((address) => mailsTo(address).length)).toEqual([1, 1, 1, 1, 1, 1]);
    for (const order of orders) expect(await customerNotifiedIn(order.orderId)).toBe(1);
  });

  it('records what it sent before it stops when its database comes back meanwhile', async () => {
    // Six emails, three at a time: those not sent when a record fails are given back.
    await startNotifications(1, { EMAIL_WAVE_SIZE: '3' });
    const orders = [0, 1, 2, 3, 4, 5].map(() => orderPaid('acc-eu-outage-stop'));
    const addresses = orders.map((order) => openCustomer(order.customer).email);
    const outage = databaseAwayAtFirstAnswerTo(addresses);
    const [first] = services;
    let stopped: Promise<void> | undefined;
    try {
      await publisher.events(OrderPaid, orders);
      await outage.started;
      await eventually(async () => expect(first.log()).toContain('sent emails still not recorded'));
      // Stopped while its database is away (as for a deployment during a PostgreSQL restart)...
      stopped = first.stop();
      await eventually(async () =>
        expect(first.log()).toContain('stopping: waiting to record sent emails'),
      );
    } finally {
      // ...which comes back before the process has given up waiting.
      await outage.end();
      await stopped;
    }
    expect(first.log()).not.toContain('emails sent but not recorded at shutdown');
    // Another instance sends the rest (once their claims' leases ran out).
    services.push(
      await startService('notifications', {
        DATABASE_URL: databaseUrl,
        KAFKA_TOPIC_PREFIX: topicPrefix,
        SMTP_URL: smtp.url,
        EMAIL_SWEEP_MS: '200',
        EMAIL_RETRY_BASE_MS: '200',
        EMAIL_CLAIM_TIMEOUT_MS: String(LEASE_MS),
      }),
    );
    await eventually(async () => {
      const all = (await Promise.all(orders.map((o) => emailsOf(o.orderId)))).flat();
      expect(all.map((row) => row.status)).toEqual(Array(6).fill('SENT'));
    }, 30_000);
    expect(addresses.map((address) => mailsTo(address).length)).toEqual([1, 1, 1, 1, 1, 1]);
    for (const order of orders) expect(await customerNotifiedIn(order.orderId)).toBe(1);
  });

  it('sends once with two instances and an SMTP server answering later than the lease', async () => {
    await startNotifications(2);
    const paid = orderPaid('acc-eu-slow-smtp');
    let slowAnswer: Promise<void> | undefined;
    smtp.beforeAnswer = async (mail) => {
      // The first message gets its answer after the lease has run out; later ones at once.
      if (!mail.to.includes(openCustomer(paid.customer).email) || slowAnswer) return;
      slowAnswer = later(LEASE_MS + 1500);
      await slowAnswer;
    };
    await publisher.event(OrderPaid, paid);
    await eventually(async () => expect(slowAnswer).toBeDefined());
    await slowAnswer;
    // The late answer has been given (or found nobody to hear it).
    await new Promise((resolve) => setImmediate(resolve));
    await eventually(async () =>
      expect(await emailsOf(paid.orderId)).toMatchObject([{ status: 'SENT' }]),
    );
    expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(1);
    expect(await customerNotifiedIn(paid.orderId)).toBe(1);
  });

  it('keeps the leases of emails waiting behind others of their order, with two instances', async () => {
    await startNotifications(2, { EMAIL_SMTP_TIMEOUT_MS: '1500' });
    const paid = orderPaid('acc-eu-long-batch');
    const { orderId, accountId } = paid;
    const now = new Date().toISOString();
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    // Four stages seen before the order: their emails wait for it (nobody to write to yet).
    await publisher.event(EligibilityReviewRequired, {
      orderId,
      accountId,
      reviewId: randomUUID(),
      holdIds: ['hold-1'],
      requiredDocuments: ['passport'],
      deadline: soon,
    });
    await publisher.event(ActivationScheduled, { orderId, accountId, scheduledFor: soon });
    await publisher.event(EligibilityRejected, {
      orderId,
      accountId,
      reasons: ['OUTSTANDING_BALANCE'],
      rejectedAt: now,
    });
    await publisher.event(OrderRefunded, {
      orderId,
      accountId,
      refundId: randomUUID(),
      amount: paid.amount,
      reasons: ['OUTSTANDING_BALANCE'],
      refundedAt: now,
    });
    await eventually(async () => expect(await emailsOf(orderId)).toHaveLength(4));
    // Each answer takes a while (within the SMTP timeout): the order's five emails, claimed
    // together and sent one after the other, take longer than the lease.
    smtp.beforeAnswer = async (mail) => {
      if (mail.to.includes(openCustomer(paid.customer).email)) await later(700);
    };
    await publisher.event(OrderPaid, paid);
    const rows = await eventually(async () => {
      const emails = await emailsOf(orderId);
      expect(emails.map((row) => row.status)).toEqual(Array(5).fill('SENT'));
      return emails;
    }, 60_000);
    const mails = mailsTo(openCustomer(paid.customer).email);
    expect(mails).toHaveLength(5);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(5);
    expect(rows.map((row) => row.attempts)).toEqual([1, 1, 1, 1, 1]);
  });

  it('sends a batch while the last record of the batch before is in progress', async () => {
    // A sweep an hour away: each email goes out at the commit that queued it, in a batch of its own.
    await startNotifications(1, { EMAIL_SWEEP_MS: '3600000' });
    // Marking an email SENT waits for an advisory lock this test holds: the record of the first
    // email stays in progress until the test lets it go.
    await queryDatabase(
      databaseUrl,
      `CREATE FUNCTION test_hold_marking() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock(4242);
         RETURN NEW;
       END $$;
       CREATE TRIGGER test_hold_marking BEFORE UPDATE ON notifications
         FOR EACH ROW WHEN (NEW.status = 'SENT') EXECUTE FUNCTION test_hold_marking();`,
    );
    const holder = new Client({ connectionString: databaseUrl });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock(4242)');
    const [first, second] = [orderPaid('acc-eu-record-1'), orderPaid('acc-eu-record-2')];
    const waitingRecords = async () =>
      Number(
        (
          await queryDatabase<{ n: string }>(
            databaseUrl,
            `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
          )
        )[0].n,
      );
    try {
      await publisher.event(OrderPaid, first);
      await eventually(async () => expect(await waitingRecords()).toBe(1));
      expect(mailsTo(openCustomer(first.customer).email)).toHaveLength(1);
      // Queued and handed over after the first batch had sent its email: sent without waiting
      // for that batch's record.
      await publisher.event(OrderPaid, second);
      await eventually(async () =>
        expect(mailsTo(openCustomer(second.customer).email)).toHaveLength(1),
      );
      // Its own record waits for the one before.
      expect(await emailsOf(second.orderId)).toMatchObject([{ status: 'SENDING' }]);
    } finally {
      await holder.query('SELECT pg_advisory_unlock(4242)');
      await holder.end();
    }
    for (const order of [first, second]) {
      await eventually(async () =>
        expect(await emailsOf(order.orderId)).toMatchObject([{ status: 'SENT', attempts: 1 }]),
      );
      expect(mailsTo(openCustomer(order.customer).email)).toHaveLength(1);
      expect(await customerNotifiedIn(order.orderId)).toBe(1);
    }
  });

  it('does not send the rest of a batch again when recording one of its emails fails', async () => {
    await startNotifications(1);
    // One account: the three orders come in one chunk, so their emails are queued by one commit
    // and claimed together.
    const orders = [0, 1, 2].map(() => orderPaid('acc-eu-batch'));
    const failing = orders[1];
    // The first attempt to mark the failing order's email SENT fails (a sequence, not a table:
    // its value survives the rollback).
    await queryDatabase(
      databaseUrl,
      `CREATE SEQUENCE test_mark_failures;
       CREATE FUNCTION test_fail_first_marking() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.order_id = '${failing.orderId}' AND nextval('test_mark_failures') = 1 THEN
           RAISE EXCEPTION 'test: the first marking fails';
         END IF;
         RETURN NEW;
       END $$;
       CREATE TRIGGER test_fail_first_marking BEFORE UPDATE ON notifications
         FOR EACH ROW WHEN (NEW.status = 'SENT') EXECUTE FUNCTION test_fail_first_marking();`,
    );
    await publisher.events(OrderPaid, orders);
    const rows = await eventually(async () => {
      const all = (await Promise.all(orders.map((o) => emailsOf(o.orderId)))).flat();
      expect(all.map((row) => row.status)).toEqual(['SENT', 'SENT', 'SENT']);
      return all;
    });
    expect(orders.map((order) => mailsTo(openCustomer(order.customer).email).length)).toEqual([
      1, 1, 1,
    ]);
    // They were claimed in one batch (one claim statement, one time), each once.
    expect(new Set(rows.map((row) => new Date(row.claimed_at).getTime())).size).toBe(1);
    expect(rows.map((row) => row.attempts)).toEqual([1, 1, 1]);
    for (const order of orders) expect(await customerNotifiedIn(order.orderId)).toBe(1);
    const [{ failures }] = await queryDatabase<{ failures: string }>(
      databaseUrl,
      `SELECT last_value AS failures FROM test_mark_failures`,
    );
    expect(Number(failures)).toBeGreaterThanOrEqual(2);
  });
});
