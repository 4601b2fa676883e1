/**
 * The outbox relay in process against the real broker and PostgreSQL: rows written with
 * writeOutbox, published by one or two OutboxRelay instances, read back byte for byte.
 */
import { Topics } from '@app/contracts';
import {
  MessagingMetrics,
  messagingMigrations,
  MessagingOptions,
  OutboxMessage,
  OutboxRelay,
  outboxWrite,
  pipelinedTransaction,
  writeOutbox,
  kafkaClient,
} from '@app/messaging';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  queryDatabase,
  roundTrips,
  testInfrastructure,
  watchConnection,
} from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel, PartitionMetadata, Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';

const TOPIC = Topics.ReactivationBilling;
const BROKER_MAX_MESSAGE_BYTES = 1_048_588; // the broker's default message.max.bytes

interface RawRecord {
  partition: number;
  offset: number;
  key: Buffer;
  value: Buffer;
  headers: Record<string, Buffer>;
}

/** Every record of a topic, with its key, headers and value as the exact bytes on the broker. */
class RawReader {
  readonly records: RawRecord[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<RawReader> {
    const consumer = kafka.consumer({ groupId: `raw-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const reader = new RawReader(consumer);
    await consumer.connect();
    await eventually(() => consumer.subscribe({ topics: [topic], fromBeginning: true }), 15_000);
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, Buffer> = {};
        for (const [name, value] of Object.entries(message.headers ?? {}))
          headers[name] = value as Buffer;
        reader.records.push({
          partition,
          offset: Number(message.offset),
          key: message.key!,
          value: message.value!,
          headers,
        });
      },
    });
    return reader;
  }

  /** Records whose value is text, as text (test rows carry readable payloads). */
  values(): string[] {
    return this.records.map((r) => r.value.toString('utf8'));
  }

  async waitForValues(values: string[], timeoutMs = 30_000): Promise<void> {
    await eventually(
      async () => {
        const seen = new Set(this.values());
        const missing = values.filter((v) => !seen.has(v));
        if (missing.length > 0) throw new Error(`not yet published: ${missing.join(', ')}`);
      },
      timeoutMs,
      50,
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

function message(key: string | Buffer, value: string | Buffer): OutboxMessage {
  return {
    topic: TOPIC,
    key,
    payload: Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: { 'content-type': 'text/plain' },
    eventType: null,
  };
}

describe('outbox relay (real Kafka, real PostgreSQL)', () => {
  let prefix: string;
  let databaseUrl: string;
  let kafka: Kafka;
  let reader: RawReader;
  const dataSources: DataSource[] = [];
  const relays: OutboxRelay[] = [];

  /** `extra`: a pool of one that pipelines, as the services' pools do, to watch its connection. */
  const connect = async (
    applicationName: string,
    extra?: { max: number; pipeline: boolean },
  ): Promise<DataSource> => {
    const dataSource = new DataSource({
      type: 'postgres',
      url: databaseUrl,
      applicationName,
      extra,
      migrations: messagingMigrations,
      migrationsTableName: 'schema_migrations',
      migrationsTransactionMode: 'each',
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    dataSources.push(dataSource);
    return dataSource;
  };
  const relay = (
    dataSource: DataSource,
    options: Partial<MessagingOptions> = {},
  ): { relay: OutboxRelay; metrics: MessagingMetrics } => {
    const metrics = new MessagingMetrics();
    const created = new OutboxRelay(
      dataSource,
      kafka,
      {
        source: 'test',
        group: 'relay-test',
        clientId: 'relay-test',
        brokers: testInfrastructure().brokers,
        deadLetterSealSecret: 'test-dead-letter-seal-secret-0123456789',
        topicPrefix: prefix,
        relaySweepMs: 100,
        ...options,
      },
      metrics,
    );
    relays.push(created);
    return { relay: created, metrics };
  };
  const write = (dataSource: DataSource, messages: OutboxMessage[]) =>
    dataSource.transaction((manager) => writeOutbox(manager, messages));
  const outboxCount = async () => {
    const [{ n }] = await queryDatabase<{ n: string }>(
      databaseUrl,
      'SELECT count(*) AS n FROM outbox_messages',
    );
    return Number(n);
  };

  beforeEach(async () => {
    // The shared broker sometimes answers metadata for just-created topics late: try again.
    prefix = await eventually(() => createTestTopics(), 60_000, 500);
    databaseUrl = await createTestDatabase('relay');
    kafka = kafkaClient({
      clientId: 'relay-test',
      brokers: testInfrastructure().brokers,
      logLevel: logLevel.NOTHING,
    });
    reader = await RawReader.start(kafka, prefix + TOPIC);
    // Topics created a moment ago may not be in every metadata answer yet.
    await eventually(() => partitionsOf(kafka, prefix + TOPIC), 15_000, 200);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await Promise.all(dataSources.splice(0).map((d) => d.destroy()));
    await reader.stop();
  });

  it('publishes keys, header names and values and payloads holding NUL and invalid UTF-8 byte for byte', async () => {
    const dataSource = await connect('relay-bytes');
    const { relay: publisher } = relay(dataSource);
    const key = Buffer.from([0x61, 0x00, 0xff, 0xfe, 0x62]);
    const reason = Buffer.from([0x00, 0xc3, 0x28, 0x41, 0x00]);
    const payload = Buffer.from([0x00, 0xff, 0x7b, 0x22, 0x00]);
    await write(dataSource, [
      {
        topic: TOPIC,
        key,
        payload,
        headers: { 'dlq-reason': reason, 'x\u0000name': 'text with \u0000 NUL', empty: '' },
        eventType: null,
      },
      // A key given as text may hold NUL too (jsonb and text refuse it: 22P05, 22021).
      {
        topic: TOPIC,
        key: 'acct\u0000nul',
        payload: Buffer.from('second'),
        headers: {},
        eventType: null,
      },
    ]);

    await publisher.flush();

    await eventually(async () => expect(reader.records).toHaveLength(2), 30_000, 50);
    const [first, second] = [...reader.records].sort((a, b) => a.value.length - b.value.length);
    expect(first.key.equals(key)).toBe(true);
    expect(first.value.equals(payload)).toBe(true);
    expect(Object.keys(first.headers)).toEqual(['dlq-reason', 'x\u0000name', 'empty']);
    expect(first.headers['dlq-reason'].equals(reason)).toBe(true);
    expect(first.headers['x\u0000name'].equals(Buffer.from('text with \u0000 NUL'))).toBe(true);
    expect(first.headers.empty.length).toBe(0);
    expect(second.key.equals(Buffer.from('acct\u0000nul'))).toBe(true);
    expect(second.headers).toEqual({});
    expect(await outboxCount()).toBe(0);
  });

  it("shows the oldest waiting row's age and the backlog a drain found", async () => {
    const dataSource = await connect('relay-gauges');
    const { relay: publisher, metrics } = relay(dataSource);
    await write(dataSource, [message('acc-1', 'old'), message('acc-2', 'new')]);
    await queryDatabase(
      databaseUrl,
      `UPDATE outbox_messages SET created_at = now() - interval '90 seconds'
        WHERE id = (SELECT min(id) FROM outbox_messages)`,
    );

    await publisher.flush();

    await reader.waitForValues(['old', 'new']);
    const age = (await metrics.outboxOldestAge.get()).values[0].value;
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
    expect((await metrics.outboxBacklog.get()).values[0].value).toBe(2);

    await publisher.flush();
    expect((await metrics.outboxOldestAge.get()).values[0].value).toBe(0);
    expect((await metrics.outboxBacklog.get()).values[0].value).toBe(0);
  });

  it.each([
    ['seen as too large by the relay', {}],
    // The relay's limit set above the broker's: the broker refuses the row, the relay finds it.
    ['refused by the broker', { maxBatchBytes: 4 * BROKER_MAX_MESSAGE_BYTES }],
  ])(
    'parks a row the broker can never take (%s) and publishes every other row exactly once, in order',
    async (_, options: Partial<MessagingOptions>) => {
      const dataSource = await connect('relay-parking');
      const { relay: publisher, metrics } = relay(dataSource, options);
      const big = Buffer.alloc(BROKER_MAX_MESSAGE_BYTES + 100_000, 'x');
      // Key a's rows share a partition with the big one; key b's are on another partition.
      const [keyA, keyB] = await twoKeysOnDistinctPartitions(kafka, prefix + TOPIC);
      await write(dataSource, [
        message(keyA, 'a1'),
        message(keyB, 'b1'),
        message(keyA, big),
        message(keyA, 'a2'),
        message(keyB, 'b2'),
      ]);
      const [{ id: bigId }] = await queryDatabase<{ id: string }>(
        databaseUrl,
        'SELECT id FROM outbox_messages WHERE octet_length(payload) > 1000',
      );

      publisher.start();
      publisher.wake();
      // Barrier: a row behind on each key; once both are read, anything sent before them is too.
      await write(dataSource, [message(keyA, 'a-sentinel'), message(keyB, 'b-sentinel')]);
      publisher.wake();
      await reader.waitForValues(['a-sentinel', 'b-sentinel']);

      const onPartition = (key: string) =>
        reader.records
          .filter((r) => r.key.toString() === key)
          .sort((x, y) => x.offset - y.offset)
          .map((r) => r.value.toString());
      expect(onPartition(keyA)).toEqual(['a1', 'a2', 'a-sentinel']);
      expect(onPartition(keyB)).toEqual(['b1', 'b2', 'b-sentinel']);
      // Deleted in the transaction that read them, which commits after the broker's ack: a reader
      // can see the sentinels a moment before the rows are gone.
      await eventually(async () => expect(await outboxCount()).toBe(0));

      // The big row is parked where ops see it: the table, the metric.
      const parked = await queryDatabase<{
        id: string;
        topic: string;
        size: number;
        reason: string;
      }>(databaseUrl, 'SELECT id, topic, octet_length(payload) AS size, reason FROM outbox_parked');
      expect(parked).toEqual([
        { id: bigId, topic: TOPIC, size: big.length, reason: expect.any(String) },
      ]);
      expect(parked[0].reason).toMatch(/^(TOO_LARGE|MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE)/);
      const parkedMetric = await metrics.outboxParked.get();
      expect(parkedMetric.values.map((v) => [v.labels.topic, v.value])).toEqual([[TOPIC, 1]]);
    },
  );

  describe('a drain behind a commit (drainAfter)', () => {
    /** A transaction as a consumer's: a statement, then its outbox row sent with COMMIT. */
    const commitWithEvent = (dataSource: DataSource, publisher: OutboxRelay, value: string) => {
      const publication = publisher.publication();
      return pipelinedTransaction(
        dataSource,
        (manager) => manager.query(`INSERT INTO facts VALUES ($1)`, [value]),
        () => outboxWrite([message('acct-1', value)]),
        publication.followOn,
      ).finally(() => publication.wake());
    };
    /** A relay started and waiting idle on a pool of one pipelining connection. */
    const idleRelay = async () => {
      const dataSource = await connect('relay-follow-on', { max: 1, pipeline: true });
      await dataSource.query(
        // Deferred: a duplicate fails at COMMIT, with the outbox row already written.
        `CREATE TABLE facts (name text, CONSTRAINT one_fact UNIQUE (name) DEFERRABLE INITIALLY DEFERRED)`,
      );
      const { relay: publisher } = relay(dataSource, { relaySweepMs: 60_000 });
      publisher.start();
      await write(dataSource, [message('acct-1', 'warm-up')]);
      publisher.wake();
      await reader.waitForValues(['warm-up']);
      // The drain's DELETE committed: the relay is asleep before this query's answer comes in.
      await eventually(async () => expect(await outboxCount()).toBe(0));
      return { dataSource, publisher };
    };

    it("begins on the commit's connection, in its write: one round trip from COMMIT to the rows read", async () => {
      const { dataSource, publisher } = await idleRelay();
      const traffic = await watchConnection(dataSource);

      await commitWithEvent(dataSource, publisher, 'followed');

      await reader.waitForValues(['followed']);
      await eventually(async () => expect(await outboxCount()).toBe(0));
      // BEGIN with the insert; the outbox row, COMMIT and the drain's start; its DELETE with
      // COMMIT. Woken instead, the drain begins in a round trip of its own: four.
      expect(roundTrips(traffic)).toBe(3);
      // The drain's start written right behind COMMIT, before any answer came in.
      const at = (text: string) => traffic.findIndex((e) => 'wrote' in e && e.wrote.includes(text));
      const [commit, drainStart] = [at('COMMIT'), at('pg_try_advisory_xact_lock')];
      expect(drainStart).toBeGreaterThan(commit);
      expect(traffic.slice(commit, drainStart).some((e) => 'read' in e)).toBe(false);
      // The pool's one connection came back: the next transaction gets it.
      expect(await dataSource.query('SELECT count(*)::int AS n FROM facts')).toEqual([{ n: 1 }]);
    });

    it('publishes what a drain begun behind a commit read when the relay stops at that moment, and gives the connection back', async () => {
      const { dataSource, publisher } = await idleRelay();
      let stopped: Promise<void> | undefined;
      await pipelinedTransaction(
        dataSource,
        (manager) => manager.query(`INSERT INTO facts VALUES ('stopping')`),
        () => outboxWrite([message('acct-1', 'stopping')]),
        (connection, release) => {
          const drained = publisher.drainAfter(connection, release);
          // The relay stops before its loop could run the drain: its final flush must take it.
          stopped = publisher.stop();
          return drained;
        },
      );
      expect(stopped).toBeDefined();
      await stopped;

      await reader.waitForValues(['stopping']);
      expect(await outboxCount()).toBe(0);
      expect(await dataSource.query('SELECT count(*)::int AS n FROM facts')).toEqual([{ n: 1 }]);
    });

    it('publishes nothing of a transaction whose COMMIT fails, and gives the connection back', async () => {
      const { dataSource, publisher } = await idleRelay();
      await commitWithEvent(dataSource, publisher, 'first');
      await reader.waitForValues(['first']);
      await eventually(async () => expect(await outboxCount()).toBe(0));

      // The same fact again: the deferred constraint fails the COMMIT, the drain behind it runs.
      await expect(commitWithEvent(dataSource, publisher, 'first')).rejects.toThrow(/one_fact/);
      await commitWithEvent(dataSource, publisher, 'after');

      await reader.waitForValues(['after']);
      await eventually(async () => expect(await outboxCount()).toBe(0));
      expect(reader.values().filter((v) => v !== 'warm-up')).toEqual(['first', 'after']);
    });
  });

  it('serializes two relays after the first lost the connection holding its lock: every row once, each key in order', async () => {
    const first = await connect('relay-first');
    const { relay: relayA } = relay(first);
    relayA.start();
    await write(first, [message('warm-up', 'warm-up')]);
    relayA.wake();
    await reader.waitForValues(['warm-up']);
    await eventually(async () => expect(await outboxCount()).toBe(0));

    // The first relay's connections die (a network cut, a PostgreSQL admin), the lock's included.
    const killed = await queryDatabase<{ pid: number }>(
      databaseUrl,
      `SELECT pg_terminate_backend(pid) AS killed, pid FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'relay-first'`,
    );
    expect(killed.length).toBeGreaterThan(0);

    // A second instance starts its relay and publishes.
    const second = await connect('relay-second');
    const { relay: relayB } = relay(second);
    relayB.start();
    await write(second, [message('second-up', 'second-up')]);
    relayB.wake();
    await reader.waitForValues(['second-up']);

    // Both relays run and both drain at once: they must not publish the same rows twice.
    const keys = Array.from({ length: 30 }, (_, k) => `acct-${k}`);
    const rows = keys.flatMap((key) =>
      Array.from({ length: 100 }, (_, n) => message(key, `${key}#${n}`)),
    );
    await write(second, rows);
    await Promise.all([relayA.flush(), relayB.flush()]);
    await eventually(async () => expect(await outboxCount()).toBe(0));
    // Barrier on every partition: a sentinel per key, read after everything sent before it.
    await write(
      first,
      keys.map((key) => message(key, `${key}#sentinel`)),
    );
    relayA.wake();
    await reader.waitForValues(keys.map((key) => `${key}#sentinel`));

    for (const key of keys) {
      const published = reader.records
        .filter((r) => r.key.toString() === key)
        .sort((x, y) => x.offset - y.offset)
        .map((r) => r.value.toString());
      expect(published).toEqual([
        ...Array.from({ length: 100 }, (_, n) => `${key}#${n}`),
        `${key}#sentinel`,
      ]);
    }
  });

  it('loses nothing and keeps each key in order when the connection of a drain in progress is terminated', async () => {
    const first = await connect('relay-first');
    const second = await connect('relay-second');
    const { relay: relayA } = relay(first);
    const keys = Array.from({ length: 20 }, (_, k) => `acct-${k}`);
    const expected = (key: string) => Array.from({ length: 250 }, (_, n) => `${key}#${n}`);
    await write(
      first,
      keys.flatMap((key) => expected(key).map((value) => message(key, value))),
    );
    relayA.start();
    relayA.wake();

    // The drain in progress holds the relay's advisory lock: cut its connection.
    const [holder] = await eventually(
      async () => {
        const held = await queryDatabase<{ pid: number }>(
          databaseUrl,
          `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()`,
        );
        if (held.length === 0) throw new Error('no drain holds the lock yet');
        return held;
      },
      20_000,
      5,
    );
    await queryDatabase(databaseUrl, 'SELECT pg_terminate_backend($1)', [holder.pid]);
    const { relay: relayB } = relay(second);
    relayB.start();

    await write(
      second,
      keys.map((key) => message(key, `${key}#sentinel`)),
    );
    relayB.wake();
    await reader.waitForValues(
      keys.map((key) => `${key}#sentinel`),
      60_000,
    );
    await eventually(async () => expect(await outboxCount()).toBe(0));

    // What the cut drain had sent may come twice (the inbox drops repeats); the first copies
    // are every row, in order.
    for (const key of keys) {
      const published = reader.records
        .filter((r) => r.key.toString() === key)
        .sort((x, y) => x.offset - y.offset)
        .map((r) => r.value.toString());
      expect([...new Set(published)]).toEqual([...expected(key), `${key}#sentinel`]);
    }
  });
});

async function partitionsOf(kafka: Kafka, topic: string): Promise<PartitionMetadata[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0].partitions;
  } finally {
    await admin.disconnect();
  }
}

/** Two keys the default partitioner puts on different partitions of the topic. */
async function twoKeysOnDistinctPartitions(kafka: Kafka, topic: string): Promise<[string, string]> {
  const partitions = await partitionsOf(kafka, topic);
  const partitionOf = Partitioners.DefaultPartitioner();
  const of = (key: string) =>
    partitionOf({ topic, partitionMetadata: partitions, message: { key, value: null } });
  const other = Array.from({ length: 100 }, (_, i) => `acct-b${i}`).find(
    (key) => of(key) !== of('acct-a'),
  )!;
  return ['acct-a', other];
}
