/**
 * The email queue's claim on queueing (real PostgreSQL): the transaction that queues messages due
 * at once takes them for its process, so that they are sent at its commit without a claim of their
 * own, and leaves to the other senders what it may not or cannot send yet.
 */
import { PersonalDataCipher } from '@app/platform';
import { migratedDataSource, queryDatabase, tableReads, TEST_PII_KEY } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  EMAILS_QUEUED,
  NewNotification,
  NotificationRepository,
  QueueClaim,
} from '../src/emails/notification.repository';
import { NotificationEntity } from '../src/emails/notification.entity';
import { NOTIFICATIONS_ENTITIES, NOTIFICATIONS_MIGRATIONS } from '../src/notifications.persistence';
import { RosterPort } from '../src/roster/roster.port';
import { SupportCaseRepository } from '../src/roster/support-case.repository';

const cipher = new PersonalDataCipher(TEST_PII_KEY);
/** The queue as the service builds it: a claim reads whom its messages go to. */
const emailQueue = () =>
  new NotificationRepository(new RosterPort(new SupportCaseRepository(cipher)));

/**
 * Opens `orderId`'s support case (with the roster's first contact), its customer Jane Customer at
 * `customerEmail`: the order's customer is known. `query` runs a statement on the test database.
 */
async function openCase(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  orderId: string,
  customerEmail: string,
  openedAt: Date,
): Promise<void> {
  await query(
    `INSERT INTO support_cases (order_id, account_id, region, contact_id, customer_name_enc,
       customer_email_enc, paid_amount_minor, paid_currency, opened_at)
     SELECT $1, 'acc-1', 'EU', min(contact_id), $2, $3, 100, 'EUR', $4 FROM support_contacts`,
    [orderId, cipher.encrypt('Jane Customer'), cipher.encrypt(customerEmail), openedAt],
  );
}

describe('the email queue claims what it queues (real PostgreSQL)', () => {
  let dataSource: DataSource;
  let databaseUrl: string;
  const notifications = emailQueue();
  const now = new Date('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    ({ dataSource, url: databaseUrl } = await migratedDataSource('emailqueue', {
      entities: NOTIFICATIONS_ENTITIES,
      migrations: NOTIFICATIONS_MIGRATIONS,
    }));
  });
  afterAll(() => dataSource?.destroy());

  /**
   * An order whose support case is open (a new one, or `orderId`'s): its customer is known, as
   * `customer@<first 8 of its id>.example`, and so is its contact.
   */
  async function knownOrder(orderId = randomUUID()): Promise<string> {
    await openCase(
      (sql, params) => queryDatabase(databaseUrl, sql, params),
      orderId,
      customerOf(orderId),
      now,
    );
    return orderId;
  }

  const customerOf = (orderId: string) => `customer@${orderId.slice(0, 8)}.example`;

  /** Whom each claimed message goes to, as its claim read it: customer and contact, or none. */
  const recipientsOf = (claimed: NotificationEntity[]) =>
    claimed.map((n) => [
      n.orderId,
      n.stage,
      n.supportCase && {
        customer: n.supportCase.customer,
        contact: n.supportCase.contact.email,
        paid: n.supportCase.paid,
      },
    ]);

  /** The contact `knownOrder` assigns. */
  const contactEmail = async () =>
    (
      await queryDatabase<{ email: string }>(
        databaseUrl,
        `SELECT email FROM support_contacts ORDER BY contact_id LIMIT 1`,
      )
    )[0].email;

  const message = (orderId: string, stage: string, more: Partial<NewNotification> = {}) => ({
    orderId,
    accountId: 'acc-1',
    stage,
    audience: 'CUSTOMER' as const,
    content: { stage },
    dueAt: now,
    createdAt: now,
    ...more,
  });

  const claim = (limit = 10): QueueClaim => ({
    owner: 'sender-a',
    claimedAt: now,
    leaseUntil: new Date(now.getTime() + 60_000),
    limit,
  });

  const rowsOf = (orderIds: string[]) =>
    queryDatabase<{
      order_id: string;
      stage: string;
      status: string;
      attempts: number;
      claimed_by: string | null;
    }>(
      databaseUrl,
      `SELECT order_id, stage, status, attempts, claimed_by FROM notifications
        WHERE order_id = ANY($1) ORDER BY order_id, stage`,
      [orderIds],
    );

  it('claims the messages due at once whose customer is known, and only those', async () => {
    const known = await knownOrder();
    const unknown = randomUUID();
    const claimed = await dataSource.transaction((manager) =>
      notifications.queueMany(
        manager,
        [
          message(known, 'PAYMENT_RECEIVED'),
          message(known, 'REMINDER', { dueAt: new Date(now.getTime() + 3_600_000) }),
          message(known, 'HELD_REMINDER', { status: 'HELD' }),
          message(unknown, 'PAYMENT_RECEIVED'),
          message(unknown, 'ESCALATION', { audience: 'SUPPORT' }),
        ],
        claim(),
      ),
    );

    expect(claimed.map((n) => [n.orderId, n.stage, n.status, n.attempts])).toEqual(
      expect.arrayContaining([
        [known, 'PAYMENT_RECEIVED', 'SENDING', 1],
        [unknown, 'ESCALATION', 'SENDING', 1],
      ]),
    );
    expect(claimed).toHaveLength(2);
    expect(claimed.every((n) => n.claimedAt?.getTime() === now.getTime())).toBe(true);
    // Whom they go to, read in the same statement: the known order's customer and contact; the
    // escalation of an order without a case, nobody but ops (no case).
    expect(recipientsOf(claimed)).toEqual(
      expect.arrayContaining([
        [
          known,
          'PAYMENT_RECEIVED',
          {
            customer: { name: 'Jane Customer', email: customerOf(known) },
            contact: await contactEmail(),
            paid: { amountMinor: 100, currency: 'EUR' },
          },
        ],
        [unknown, 'ESCALATION', undefined],
      ]),
    );
    const rows = await rowsOf([known, unknown]);
    expect(
      rows.map((r) => [
        r.order_id === known ? 'known' : 'unknown',
        r.stage,
        r.status,
        r.claimed_by,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['known', 'PAYMENT_RECEIVED', 'SENDING', 'sender-a'],
        ['known', 'REMINDER', 'PENDING', null],
        ['known', 'HELD_REMINDER', 'HELD', null],
        ['unknown', 'PAYMENT_RECEIVED', 'PENDING', null],
        ['unknown', 'ESCALATION', 'SENDING', 'sender-a'],
      ]),
    );
    expect(rows).toHaveLength(5);
  });

  /**
   * Queues, with no claim, what an order's stages called for before its customer was known (the
   * `due` stages due one after the other, a second apart, before now; a reminder due later), then
   * opens its case.
   */
  async function waitingOrder(due = ['ELIGIBILITY_REVIEW']): Promise<string> {
    const waiting = randomUUID();
    await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [
        ...due.map((stage, i) =>
          message(waiting, stage, { dueAt: new Date(now.getTime() - (due.length - i) * 1_000) }),
        ),
        message(waiting, 'REMINDER', { dueAt: new Date(now.getTime() + 3_600_000) }),
      ]),
    );
    // Its case opens (OrderPaid consumed after the stage that queued its email).
    await knownOrder(waiting);
    return waiting;
  }

  it("claims, with the messages of a paid order, those that waited for its customer, and no other order's", async () => {
    const other = await knownOrder();
    await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [message(other, 'PAYMENT_RECEIVED')]),
    );
    const waiting = await waitingOrder();

    const claimed = await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [message(waiting, 'PAYMENT_RECEIVED')], claim(), [
        { orderId: waiting, wantsHeld: false },
      ]),
    );

    expect(claimed.map((n) => [n.orderId, n.stage, n.status, n.attempts])).toEqual(
      expect.arrayContaining([
        [waiting, 'ELIGIBILITY_REVIEW', 'SENDING', 1],
        [waiting, 'PAYMENT_RECEIVED', 'SENDING', 1],
      ]),
    );
    expect(claimed).toHaveLength(2);
    expect(claimed.map((n) => n.supportCase?.customer.email)).toEqual([
      customerOf(waiting),
      customerOf(waiting),
    ]);
    const rows = await rowsOf([waiting, other]);
    expect(
      rows.map((r) => [r.order_id === waiting ? 'waiting' : 'other', r.stage, r.status]),
    ).toEqual(
      expect.arrayContaining([
        ['waiting', 'ELIGIBILITY_REVIEW', 'SENDING'],
        ['waiting', 'PAYMENT_RECEIVED', 'SENDING'],
        ['waiting', 'REMINDER', 'PENDING'],
        ['other', 'PAYMENT_RECEIVED', 'PENDING'],
      ]),
    );
    expect(rows).toHaveLength(4);
    // Left for no other test's sender to find.
    await queryDatabase(databaseUrl, `DELETE FROM notifications WHERE order_id = ANY($1)`, [
      [waiting, other],
    ]);
  });

  it('claims those that waited first, within one limit', async () => {
    const waiting = await waitingOrder(['ELIGIBILITY_REVIEW', 'SCHEDULED']);

    const claimed = await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [message(waiting, 'PAYMENT_RECEIVED')], claim(2), [
        { orderId: waiting, wantsHeld: false },
      ]),
    );

    expect(claimed.map((n) => n.stage).sort()).toEqual(['ELIGIBILITY_REVIEW', 'SCHEDULED']);
    expect((await rowsOf([waiting])).map((r) => [r.stage, r.status, r.claimed_by])).toEqual([
      ['ELIGIBILITY_REVIEW', 'SENDING', 'sender-a'],
      ['PAYMENT_RECEIVED', 'PENDING', null],
      ['REMINDER', 'PENDING', null],
      ['SCHEDULED', 'SENDING', 'sender-a'],
    ]);
    await queryDatabase(databaseUrl, `DELETE FROM notifications WHERE order_id = $1`, [waiting]);
  });

  it('wakes a sender for those that waited beyond its limit', async () => {
    const waiting = await waitingOrder(['ELIGIBILITY_REVIEW', 'SCHEDULED']);

    const [claimed, wakesSender] = await dataSource.transaction(async (manager) => {
      const taken = await notifications.queueMany(manager, [], claim(1), [
        { orderId: waiting, wantsHeld: false },
      ]);
      return [taken, manager.queryRunner!.data[EMAILS_QUEUED] === true] as const;
    });

    // The one due first.
    expect(claimed.map((n) => [n.stage, n.status])).toEqual([['ELIGIBILITY_REVIEW', 'SENDING']]);
    expect(wakesSender).toBe(true);
    await queryDatabase(databaseUrl, `DELETE FROM notifications WHERE order_id = $1`, [waiting]);
  });

  it('claims nothing that waited without a claim, and wakes a sender for it', async () => {
    const waiting = await waitingOrder();

    const [claimed, wakesSender] = await dataSource.transaction(async (manager) => {
      const taken = await notifications.queueMany(manager, [], undefined, [
        { orderId: waiting, wantsHeld: false },
      ]);
      return [taken, manager.queryRunner!.data[EMAILS_QUEUED] === true] as const;
    });

    expect(claimed).toEqual([]);
    expect(wakesSender).toBe(true);
    expect((await rowsOf([waiting])).map((r) => [r.stage, r.status])).toEqual([
      ['ELIGIBILITY_REVIEW', 'PENDING'],
      ['REMINDER', 'PENDING'],
    ]);
    await queryDatabase(databaseUrl, `DELETE FROM notifications WHERE order_id = $1`, [waiting]);
  });

  it('releases the reminders held for a known order that bought them, and drops those of one that did not', async () => {
    const [bought, declined, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    const held = (orderId: string) =>
      message(orderId, 'RENEWAL_REMINDER', { status: 'HELD', subjectKey: 'lic-1' });
    await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [held(bought), held(declined), held(unknown)]),
    );
    await knownOrder(bought);
    await knownOrder(declined);

    const [claimed, wakesSender] = await dataSource.transaction(async (manager) => {
      const taken = await notifications.queueMany(manager, [], claim(), [
        { orderId: bought, wantsHeld: true },
        { orderId: declined, wantsHeld: false },
      ]);
      return [taken, manager.queryRunner!.data[EMAILS_QUEUED] === true] as const;
    });

    // Released due at once: a sender claims it at this commit.
    expect(claimed).toEqual([]);
    expect(wakesSender).toBe(true);
    const status = new Map(
      (await rowsOf([bought, declined, unknown])).map((r) => [r.order_id, r.status]),
    );
    expect([status.get(bought), status.get(declined), status.get(unknown)]).toEqual([
      'PENDING',
      'CANCELLED',
      'HELD',
    ]);
    await queryDatabase(databaseUrl, `DELETE FROM notifications WHERE order_id = ANY($1)`, [
      [bought, declined, unknown],
    ]);
  });

  it('claims no more than its limit, leaving the rest to any sender', async () => {
    const orders = [await knownOrder(), await knownOrder(), await knownOrder()];
    const claimed = await dataSource.transaction((manager) =>
      notifications.queueMany(
        manager,
        orders.map((o) => message(o, 'PAYMENT_RECEIVED')),
        claim(2),
      ),
    );

    expect(claimed).toHaveLength(2);
    const rows = await rowsOf(orders);
    expect(rows.filter((r) => r.status === 'SENDING')).toHaveLength(2);
    expect(rows.filter((r) => r.status === 'PENDING' && r.attempts === 0)).toHaveLength(1);
    // The one left is claimed by the next sender that looks.
    const taken = await notifications.claimDue(dataSource.manager, {
      owner: 'sender-b',
      now,
      leaseMs: 60_000,
      limit: 10,
      excluding: [],
    });
    expect(taken.map((n) => n.orderId)).toEqual(
      rows.filter((r) => r.status === 'PENDING').map((r) => r.order_id),
    );
    expect(taken[0].supportCase?.customer.email).toBe(customerOf(taken[0].orderId));
  });

  it('neither queues nor claims again a message queued already', async () => {
    const order = await knownOrder();
    await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [message(order, 'PAYMENT_RECEIVED')]),
    );
    const claimed = await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [message(order, 'PAYMENT_RECEIVED')], claim()),
    );

    expect(claimed).toEqual([]);
    expect(await rowsOf([order])).toEqual([
      {
        order_id: order,
        stage: 'PAYMENT_RECEIVED',
        status: 'PENDING',
        attempts: 0,
        claimed_by: null,
      },
    ]);
  });

  it('claims nothing when queued without a claim, as before', async () => {
    const order = await knownOrder();
    const claimed = await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [message(order, 'PAYMENT_RECEIVED')]),
    );

    expect(claimed).toEqual([]);
    expect((await rowsOf([order]))[0]).toMatchObject({ status: 'PENDING', claimed_by: null });
  });
});

describe('recording a batch of sent emails (real PostgreSQL)', () => {
  let dataSource: DataSource;
  const notifications = emailQueue();
  const now = new Date('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    ({ dataSource } = await migratedDataSource('emailmarks', {
      entities: NOTIFICATIONS_ENTITIES,
      migrations: NOTIFICATIONS_MIGRATIONS,
    }));
    // The queue's history, 10,000 messages sent, and its statistics taken while nothing was being
    // sent, as a service's often are. Then each test has a backlog claimed: 600 messages being
    // sent at once.
    await dataSource.query(
      `INSERT INTO notifications (id, order_id, account_id, stage, audience, status, content,
         due_at, next_attempt_at, attempts, created_at, message_id, sent_at)
       SELECT gen_random_uuid(), gen_random_uuid()::text, 'acc-1', 'ESCALATION', 'SUPPORT', 'SENT',
              '{}', $1, $1, 1, $1, 'sent', $1
         FROM generate_series(1, 10000)`,
      [now],
    );
    await dataSource.query(`ANALYZE notifications`);
  });
  afterAll(() => dataSource?.destroy());

  /** What `work` read of the queue (rows scanned plus rows fetched through an index). */
  async function rowsRead<T>(work: (manager: EntityManager) => Promise<T>): Promise<[T, number]> {
    return dataSource.transaction(async (manager) => {
      const { result, of } = await tableReads(manager, () => work(manager));
      return [result, of('notifications').scanned + of('notifications').fetched];
    });
  }

  const supportMessage = (): NewNotification => ({
    orderId: randomUUID(),
    accountId: 'acc-1',
    stage: 'ESCALATION',
    audience: 'SUPPORT',
    content: {},
    dueAt: now,
    createdAt: now,
  });

  /** Queues `count` messages due now, claimed by sender-a (SENDING, a lease of a minute). */
  const queueClaimed = (count: number) =>
    dataSource.transaction((manager) =>
      notifications.queueMany(
        manager,
        Array.from({ length: count }, () => supportMessage()),
        {
          owner: 'sender-a',
          claimedAt: now,
          leaseUntil: new Date(now.getTime() + 60_000),
          limit: count,
        },
      ),
    );

  it('reads the rows of the batch it marks sent, not those of every message being sent', async () => {
    const claimed = await queueClaimed(600);
    expect(claimed).toHaveLength(600);
    const batch = claimed.slice(0, 20).map((n) => ({
      claim: { id: n.id, owner: 'sender-a', claimedAt: now },
      messageId: `<${n.id}@test>`,
    }));

    const [marked, read] = await rowsRead((manager) =>
      notifications.markSentMany(manager, batch, now),
    );

    expect([...marked].sort()).toEqual(batch.map((s) => s.claim.id).sort());
    expect(read).toBeLessThanOrEqual(2 * batch.length);
    await dataSource.query(`UPDATE notifications SET status = 'SENT' WHERE status = 'SENDING'`);
  });

  it("claims a paid order's waiting messages reading that order's rows, not the queue", async () => {
    const order = randomUUID();
    const waitingMessage = { ...supportMessage(), orderId: order, audience: 'CUSTOMER' as const };
    await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [waitingMessage, { ...waitingMessage, stage: 'SCHEDULED' }]),
    );
    await openCase(
      (sql, params) => dataSource.query(sql, params),
      order,
      'jane@customer.example',
      now,
    );

    const [claimed, read] = await rowsRead((manager) =>
      notifications.queueMany(
        manager,
        [{ ...waitingMessage, stage: 'PAYMENT_RECEIVED' }],
        {
          owner: 'sender-a',
          claimedAt: now,
          leaseUntil: new Date(now.getTime() + 60_000),
          limit: 10,
        },
        [{ orderId: order, wantsHeld: true }],
      ),
    );

    expect(claimed.map((n) => n.supportCase?.customer.email)).toEqual(
      Array(3).fill('jane@customer.example'),
    );
    expect(read).toBeLessThanOrEqual(8);
    await dataSource.query(`UPDATE notifications SET status = 'SENT' WHERE status = 'SENDING'`);
  });

  it('claims due messages without reading those being sent', async () => {
    await queueClaimed(600);
    const due = await dataSource.transaction((manager) =>
      notifications.queueMany(
        manager,
        Array.from({ length: 20 }, () => supportMessage()),
      ),
    );
    expect(due).toEqual([]);

    const [taken, read] = await rowsRead((manager) =>
      notifications.claimDue(manager, {
        owner: 'sender-b',
        now: new Date(now.getTime() + 1_000),
        leaseMs: 60_000,
        limit: 96,
        excluding: [],
      }),
    );

    expect(taken).toHaveLength(20);
    expect(read).toBeLessThanOrEqual(3 * taken.length);
    // Their leases run out: another sender takes them over, and the rest are left alone.
    const [takenOver] = await rowsRead((manager) =>
      notifications.claimDue(manager, {
        owner: 'sender-c',
        now: new Date(now.getTime() + 61_500),
        leaseMs: 60_000,
        limit: 1_000,
        excluding: [],
      }),
    );
    expect(takenOver).toHaveLength(620);
    await dataSource.query(`UPDATE notifications SET status = 'SENT' WHERE status = 'SENDING'`);
  });
});

describe("whom claimed emails go to: each order's case read by key (real PostgreSQL)", () => {
  let dataSource: DataSource;
  const notifications = emailQueue();
  const now = new Date('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    ({ dataSource } = await migratedDataSource('emailcases', {
      entities: NOTIFICATIONS_ENTITIES,
      migrations: NOTIFICATIONS_MIGRATIONS,
    }));
    // 1,700 orders known before (a 20/s bench run's), their emails sent, and the statistics
    // taken. At this size the plan PostgreSQL keeps for the queue's statement hashed every case
    // for an EXISTS (two whole reads of the table a call) rather than probing each order's.
    await dataSource.query(
      `INSERT INTO support_cases (order_id, account_id, region, contact_id, customer_name_enc,
         customer_email_enc, paid_amount_minor, paid_currency, opened_at)
       SELECT 'past-' || i, 'acc-1', 'EU', (SELECT min(contact_id) FROM support_contacts), $1, $1,
              100, 'EUR', $2
         FROM generate_series(1, 1700) i`,
      [cipher.encrypt('someone'), now],
    );
    await dataSource.query(
      `INSERT INTO notifications (id, order_id, account_id, stage, audience, status, content,
         due_at, next_attempt_at, attempts, created_at, message_id, sent_at)
       SELECT gen_random_uuid(), 'past-' || i, 'acc-1', 'PAYMENT_RECEIVED', 'CUSTOMER', 'SENT',
              '{}', $1, $1, 1, $1, 'sent', $1
         FROM generate_series(1, 1700) i`,
      [now],
    );
    await dataSource.query(`ANALYZE`);
  });
  afterAll(() => dataSource?.destroy());

  /** An order with a case, its customer `<order>@customer.example`. */
  async function knownOrder(): Promise<string> {
    const orderId = randomUUID();
    await openCase(
      (sql, params) => dataSource.query(sql, params),
      orderId,
      `${orderId}@customer.example`,
      now,
    );
    return orderId;
  }

  /**
   * What `work` read of the support cases, run with the plan PostgreSQL keeps for a statement it
   * has run a few times (the generic plan, which the services run with).
   */
  async function casesRead<T>(
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<[T, { wholeTable: boolean; rows: number }]> {
    return dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      const { result, of, scannedWhole } = await tableReads(manager, () => work(manager));
      const cases = of('support_cases');
      return [
        result,
        {
          wholeTable: scannedWhole().includes('support_cases'),
          rows: cases.scanned + cases.fetched,
        },
      ];
    });
  }

  const email = (orderId: string): NewNotification => ({
    orderId,
    accountId: 'acc-1',
    stage: 'PAYMENT_RECEIVED',
    audience: 'CUSTOMER',
    content: {},
    dueAt: now,
    createdAt: now,
  });
  const claim = { owner: 'sender-a', claimedAt: now, leaseUntil: new Date(now.getTime() + 60_000) };

  it("queues and claims a paid order's email reading its case, not every case", async () => {
    const order = await knownOrder();

    const [claimed, read] = await casesRead((manager) =>
      notifications.queueMany(manager, [email(order)], { ...claim, limit: 10 }, [
        { orderId: order, wantsHeld: false },
      ]),
    );

    expect(claimed.map((n) => n.supportCase?.customer.email)).toEqual([
      `${order}@customer.example`,
    ]);
    expect(read).toEqual({ wholeTable: false, rows: expect.any(Number) });
    expect(read.rows).toBeLessThanOrEqual(4);
  });

  it("claims due emails reading their orders' cases, not every case", async () => {
    const orders = [await knownOrder(), await knownOrder()];
    await dataSource.transaction((manager) => notifications.queueMany(manager, orders.map(email)));

    const [claimed, read] = await casesRead((manager) =>
      notifications.claimDue(manager, {
        owner: 'sender-b',
        now: new Date(now.getTime() + 1_000),
        leaseMs: 60_000,
        limit: 10,
        excluding: [],
      }),
    );

    expect(claimed.map((n) => n.supportCase?.customer.email).sort()).toEqual(
      orders.map((o) => `${o}@customer.example`).sort(),
    );
    expect(read).toEqual({ wholeTable: false, rows: expect.any(Number) });
    expect(read.rows).toBeLessThanOrEqual(8);
  });
});
