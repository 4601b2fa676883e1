/**
 * The inbox keeps handled event ids for the replay horizon (INBOX_RETENTION) and prunes older
 * ones: against the real PostgreSQL (the pruner in process) and the real broker (the probe
 * consumer as a process, its pruner on its own schedule).
 */
import { OrderPaid, Topics } from '@app/contracts';
import { InboxPruner, MessagingMetrics, messagingMigrations } from '@app/messaging';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  probeOrderPaid,
  queryDatabase,
  ServiceProcess,
  startService,
  TestPublisher,
  TopicRecorder,
} from '@app/testing';
import { DataSource } from 'typeorm';

const PROBE = 'dist/libs/testing/src/probe/probe.js';
const CONSUMER_GROUP = 'probe-consumer';
const HOUR_MS = 3_600_000;

describe('inbox retention (real PostgreSQL)', () => {
  let dataSource: DataSource;

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'postgres',
      url: await createTestDatabase('inbox'),
      migrations: messagingMigrations,
      migrationsTableName: 'schema_migrations',
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterEach(async () => {
    await dataSource.destroy();
  });

  it('prunes ids handled before the horizon, in bounded batches, and keeps the recent ones', async () => {
    // 12,000 ids from 8 days ago (more than one batch), 500 from 6 days ago, 10 from now.
    await dataSource.query(
      `INSERT INTO inbox_events (event_id, event_type, topic, processed_at)
       SELECT 'old-' || n, 'OrderPaid', 't', now() - interval '8 days' - n * interval '1 second'
         FROM generate_series(1, 12000) AS n`,
    );
    await dataSource.query(
      `INSERT INTO inbox_events (event_id, event_type, topic, processed_at)
       SELECT 'recent-' || n, 'OrderPaid', 't', now() - interval '6 days'
         FROM generate_series(1, 500) AS n
       UNION ALL
       SELECT 'new-' || n, 'OrderPaid', 't', now() FROM generate_series(1, 10) AS n`,
    );
    const metrics = new MessagingMetrics();
    const pruner = new InboxPruner(
      dataSource,
      {
        source: 'test',
        group: 'g',
        clientId: 'c',
        brokers: [],
        topicPrefix: '',
        deadLetterSealSecret: 'test-dead-letter-seal-secret-0123456789',
        inboxRetentionMs: 7 * 24 * HOUR_MS,
      },
      metrics,
    );

    expect(await pruner.prune()).toBe(12_000);

    const left = await dataSource.query<{ kind: string; n: number }[]>(
      `SELECT split_part(event_id, '-', 1) AS kind, count(*)::int AS n
         FROM inbox_events GROUP BY 1 ORDER BY 1`,
    );
    expect(left).toEqual([
      { kind: 'new', n: 10 },
      { kind: 'recent', n: 500 },
    ]);
    expect((await metrics.inboxPruned.get()).values[0].value).toBe(12_000);
    expect(await pruner.prune()).toBe(0);
  });
});

describe('inbox retention (real Kafka, real PostgreSQL, the probe consumer as a process)', () => {
  let prefix: string;
  let consumerDb: string;
  let recorder: TopicRecorder;
  let publisher: TestPublisher;
  let consumer: ServiceProcess | undefined;

  beforeEach(async () => {
    prefix = await eventually(() => createTestTopics([CONSUMER_GROUP]), 60_000, 500);
    consumerDb = await createTestDatabase('consumer');
    recorder = await TopicRecorder.start(prefix, [Topics.ReactivationBilling]);
    publisher = await TestPublisher.connect(prefix);
  });

  afterEach(async () => {
    await consumer?.kill();
    await recorder.stop();
    await publisher.disconnect();
  });

  const handledTimes = async (orderId: string): Promise<number> => {
    const [{ n }] = await queryDatabase<{ n: number }>(
      consumerDb,
      'SELECT count(*)::int AS n FROM probe_effects WHERE order_id = $1',
      [orderId],
    );
    return n;
  };

  it('drops a replay within the horizon, and handles again one whose id was pruned past it', async () => {
    consumer = await startService(
      'probe-consumer',
      {
        DATABASE_URL: consumerDb,
        KAFKA_TOPIC_PREFIX: prefix,
        PROBE_GROUP: CONSUMER_GROUP,
        INBOX_RETENTION: '1h',
        INBOX_PRUNE_INTERVAL: '1s',
      },
      { entry: PROBE },
    );
    const key = 'acct-retention';
    const recent = await publisher.event(OrderPaid, probeOrderPaid('recent-1', key, new Date()));
    const old = await publisher.event(OrderPaid, probeOrderPaid('old-1', key, new Date()));
    await eventually(async () => {
      expect(await handledTimes('recent-1')).toBe(1);
      expect(await handledTimes('old-1')).toBe(1);
    });

    // The old one was handled two hours ago, as far as the inbox knows: past the 1 h horizon.
    await queryDatabase(
      consumerDb,
      `UPDATE inbox_events SET processed_at = now() - interval '2 hours' WHERE event_id = $1`,
      [old.id],
    );
    await eventually(async () => {
      const rows = await queryDatabase<{ event_id: string }>(
        consumerDb,
        'SELECT event_id FROM inbox_events WHERE event_id = ANY($1)',
        [[old.id, recent.id]],
      );
      expect(rows.map((r) => r.event_id)).toEqual([recent.id]);
    }, 30_000);

    // Both records again, byte for byte, then a new event behind them on the same key (barrier).
    for (const event of [recent, old]) {
      const record = await recorder.waitFor((r) => r.event?.id === event.id);
      await publisher.raw(record.topic, record.key, record.value!);
    }
    await publisher.event(OrderPaid, probeOrderPaid('barrier-1', key, new Date()));
    await eventually(async () => expect(await handledTimes('barrier-1')).toBe(1));

    expect(await handledTimes('recent-1')).toBe(1); // within the horizon: a no-op
    // Past the horizon the inbox no longer knows the id: only a handler's own unique
    // constraint stops a second effect (the probe has none on purpose, so it shows).
    expect(await handledTimes('old-1')).toBe(2);
  });
});
