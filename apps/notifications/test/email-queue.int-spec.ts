/**
 * The email queue's claim on queueing (real PostgreSQL): the transaction that queues messages due
 * at once takes them for its process, so that they are sent at its commit without a claim of their
 * own, and leaves to the other senders what it may not or cannot send yet.
 */
import { migratedDataSource, queryDatabase, tableReads } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  NewNotification,
  NotificationRepository,
  QueueClaim,
} from '../src/emails/notification.repository';
import { NOTIFICATIONS_ENTITIES, NOTIFICATIONS_MIGRATIONS } from '../src/notifications.persistence';

describe('the email queue claims what it queues (real PostgreSQL)', () => {
  let dataSource: DataSource;
  let databaseUrl: string;
  const notifications = new NotificationRepository();
  const now = new Date('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    ({ dataSource, url: databaseUrl } = await migratedDataSource('emailqueue', {
      entities: NOTIFICATIONS_ENTITIES,
      migrations: NOTIFICATIONS_MIGRATIONS,
    }));
  });
  afterAll(() => dataSource?.destroy());

  /** An order whose support case is open (a new one, or `orderId`'s): its customer is known. */
  async function knownOrder(orderId = randomUUID()): Promise<string> {
    const [contact] = await queryDatabase<{ contact_id: string }>(
      databaseUrl,
      `SELECT contact_id FROM support_contacts LIMIT 1`,
    );
    await queryDatabase(
      databaseUrl,
      `INSERT INTO support_cases (order_id, account_id, region, contact_id, customer_name_enc,
         customer_email_enc, paid_amount_minor, paid_currency, opened_at)
       VALUES ($1, 'acc-1', 'EU', $2, 'sealed', 'sealed', 100, 'EUR', $3)`,
      [orderId, contact.contact_id, now],
    );
    return orderId;
  }

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

  it("claims, once an order is known, the messages that waited for its customer, and no other order's", async () => {
    const waiting = randomUUID();
    const other = await knownOrder();
    await dataSource.transaction((manager) =>
      notifications.queueMany(manager, [
        message(waiting, 'PAYMENT_RECEIVED'),
        message(waiting, 'REMINDER', { dueAt: new Date(now.getTime() + 3_600_000) }),
        message(other, 'PAYMENT_RECEIVED'),
      ]),
    );
    // The waiting order's case opens (OrderPaid consumed after the stage that queued its email).
    await knownOrder(waiting);

    const claimed = await dataSource.transaction((manager) =>
      notifications.claimWaiting(manager, [waiting], claim()),
    );

    expect(claimed.map((n) => [n.orderId, n.stage, n.status, n.attempts])).toEqual([
      [waiting, 'PAYMENT_RECEIVED', 'SENDING', 1],
    ]);
    const rows = await rowsOf([waiting, other]);
    expect(
      rows.map((r) => [r.order_id === waiting ? 'waiting' : 'other', r.stage, r.status]),
    ).toEqual(
      expect.arrayContaining([
        ['waiting', 'PAYMENT_RECEIVED', 'SENDING'],
        ['waiting', 'REMINDER', 'PENDING'],
        ['other', 'PAYMENT_RECEIVED', 'PENDING'],
      ]),
    );
    expect(rows).toHaveLength(3);
    // Left for no other test's sender to find.
    await queryDatabase(databaseUrl, `DELETE FROM notifications WHERE order_id = ANY($1)`, [
      [waiting, other],
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
  const notifications = new NotificationRepository();
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
