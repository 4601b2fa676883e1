/**
 * The messaging runtime against the real broker and PostgreSQL, with producer and consumer in
 * separate processes (the probe service, libs/testing/src/probe/probe.ts).
 */
import { deadLetterTopicOf, EligibilityRejected, OrderPaid, Topics } from '@app/contracts';
import { DeadLetterHeaders, kafkaClient } from '@app/messaging';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  probeOrderPaid,
  queryDatabase,
  ServiceProcess,
  startService,
  TestPublisher,
  testInfrastructure,
  TopicRecorder,
} from '@app/testing';
import { Admin, logLevel } from 'kafkajs';

const PROBE = 'dist/libs/testing/src/probe/probe.js';
const CONSUMER_GROUP = 'probe-consumer';

interface Effects {
  total: number;
  distinct: number;
}

async function effects(databaseUrl: string): Promise<Effects> {
  const [row] = await queryDatabase<{ total: string; distinct: string }>(
    databaseUrl,
    'SELECT count(*) AS total, count(DISTINCT event_id) AS distinct FROM probe_effects',
  );
  return { total: Number(row.total), distinct: Number(row.distinct) };
}

async function expectEffects(databaseUrl: string, expected: number): Promise<void> {
  await eventually(async () => {
    expect(await effects(databaseUrl)).toEqual({ total: expected, distinct: expected });
  }, 60_000);
}

async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = kafkaClient({
    clientId: 'test-barrier',
    brokers: testInfrastructure().brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The barrier behind "nothing more was handled": the group's committed offsets have reached the
 * end of every partition of `topic` (offsets are committed only after the records' database
 * commit), so every record on it has been handled.
 */
async function caughtUp(prefix: string, group: string, topic: string): Promise<void> {
  await withAdmin((admin) =>
    eventually(async () => {
      const ends = await admin.fetchTopicOffsets(prefix + topic);
      const [committed] = await admin.fetchOffsets({
        groupId: prefix + group,
        topics: [prefix + topic],
      });
      const behind = ends.filter(({ partition, high }) => {
        const at = committed.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        return Number(high) > Math.max(0, Number(at));
      });
      expect(behind).toEqual([]);
    }, 60_000),
  );
}

/**
 * The barrier behind "nothing more was published": the service's outbox is empty (everything it
 * committed is on the broker) and the recorder has read `topic` to its end.
 */
async function allPublished(
  prefix: string,
  databaseUrl: string,
  recorder: TopicRecorder,
  topic: string,
): Promise<void> {
  await eventually(async () => {
    const [{ n }] = await queryDatabase<{ n: string }>(
      databaseUrl,
      'SELECT count(*) AS n FROM outbox_messages',
    );
    expect(Number(n)).toBe(0);
  }, 60_000);
  const ends = await withAdmin((admin) => admin.fetchTopicOffsets(prefix + topic));
  await recorder.waitFor(
    () =>
      ends.every(
        ({ partition, high }) =>
          high === '0' ||
          recorder.records.some(
            (r) =>
              r.topic === topic &&
              r.partition === partition &&
              BigInt(r.offset) + 1n >= BigInt(high),
          ),
      ),
    60_000,
    `every record of ${topic}`,
  );
}

// Every guarantee holds for both kinds of handler: per event (`@OnEvent`) and batch (`@OnEvents`).
describe.each([
  ['per-event handlers', { PROBE_BATCH: 'false' }],
  ['batch handlers', { PROBE_BATCH: 'true' }],
])('messaging runtime with %s (real Kafka, real PostgreSQL, separate processes)', (_, handlers) => {
  let prefix: string;
  let producerDb: string;
  let consumerDb: string;
  let recorder: TopicRecorder;
  let publisher: TestPublisher;
  const running: ServiceProcess[] = [];

  const startProducer = async (extra: Record<string, string> = {}) => {
    const service = await startService(
      'probe-producer',
      {
        DATABASE_URL: producerDb,
        KAFKA_TOPIC_PREFIX: prefix,
        PROBE_GROUP: 'probe-producer',
        PROBE_ROLE: 'producer',
        ...extra,
      },
      { entry: PROBE },
    );
    running.push(service);
    return service;
  };
  const startConsumer = async (extra: Record<string, string> = {}) => {
    const service = await startService(
      'probe-consumer',
      {
        DATABASE_URL: consumerDb,
        KAFKA_TOPIC_PREFIX: prefix,
        PROBE_GROUP: CONSUMER_GROUP,
        ...handlers,
        ...extra,
      },
      { entry: PROBE },
    );
    running.push(service);
    return service;
  };
  const emit = async (producer: ServiceProcess, count: number, orderPrefix = '') => {
    const response = await producer.http<{ orderIds: string[] }>('POST', '/probe/emit', {
      count,
      orderPrefix,
    });
    expect(response.status).toBe(201);
    return response.body.orderIds;
  };

  beforeEach(async () => {
    prefix = await createTestTopics(['probe-producer', CONSUMER_GROUP]);
    producerDb = await createTestDatabase('producer');
    consumerDb = await createTestDatabase('consumer');
    recorder = await TopicRecorder.start(prefix, [
      Topics.ReactivationBilling,
      Topics.ReactivationEligibility,
      deadLetterTopicOf(CONSUMER_GROUP),
    ]);
    publisher = await TestPublisher.connect(prefix);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.kill()));
    await recorder.stop();
    await publisher.disconnect();
  });

  it('handles every event written through the outbox exactly once, even when delivered twice', async () => {
    const producer = await startProducer();
    // A slow first handler: the second handler of the event must still run after it.
    await startConsumer({ PROBE_HANDLER_DELAY_MS: '1' });
    const orderIds = await emit(producer, 300);
    await expectEffects(consumerDb, 300);

    // Redeliver every record byte for byte, as Kafka may after a rebalance.
    const delivered = recorder.records.filter((r) => r.event?.type === OrderPaid.type);
    expect(delivered).toHaveLength(300);
    for (const record of delivered) await publisher.raw(record.topic, record.key, record.value!);
    await recorder.waitFor(
      () => recorder.events(OrderPaid.type).length === 600,
      30_000,
      'the redelivered records',
    );
    await caughtUp(prefix, CONSUMER_GROUP, Topics.ReactivationBilling);
    expect(await effects(consumerDb)).toEqual({ total: 300, distinct: 300 });
    // The producer's metrics tell what its relay published and that nothing waits in its outbox.
    const metrics = await producer.http<string>('GET', '/metrics');
    expect(metrics.body).toMatch(
      /messaging_events_produced_total\{type="OrderPaid",topic="reactivation\.billing\.v1"\} 300/,
    );
    expect(metrics.body).toMatch(/messaging_outbox_backlog 0/);
    expect(metrics.body).toMatch(/messaging_outbox_oldest_age_seconds 0/);

    await allPublished(prefix, consumerDb, recorder, Topics.ReactivationEligibility);
    // Both handlers of the event ran once each, the second after the first (it saw its effect).
    const audit = await queryDatabase<{ n: string; saw: string }>(
      consumerDb,
      'SELECT count(*) AS n, count(*) FILTER (WHERE effects_seen = 1) AS saw FROM probe_audit',
    );
    expect(audit).toEqual([{ n: '300', saw: '300' }]);
    const outputs = recorder.events<{ orderId: string }>(EligibilityRejected.type);
    expect(new Set(outputs.map((e) => e.data.orderId))).toEqual(new Set(orderIds));
    expect(outputs).toHaveLength(300);
    // Each output names its cause and keeps the saga's correlation id.
    const paidById = new Map(
      recorder.events<{ orderId: string }>(OrderPaid.type).map((e) => [e.id, e]),
    );
    for (const output of outputs) {
      expect(paidById.get(output.causationid!)?.data.orderId).toBe(output.data.orderId);
      expect(output.correlationid).toBe(output.data.orderId);
    }
  });

  it('loses and repeats nothing when the consumer is killed after its database commit and before its offset commit', async () => {
    const producer = await startProducer();
    // Offsets are committed only every 10 minutes: the kill below surely precedes the commit.
    const consumer = await startConsumer({ MESSAGING_OFFSET_COMMIT_INTERVAL_MS: '600000' });
    await emit(producer, 200);
    await expectEffects(consumerDb, 200);
    await consumer.kill();

    await startConsumer();
    await emit(producer, 50);
    await expectEffects(consumerDb, 250);
    await caughtUp(prefix, CONSUMER_GROUP, Topics.ReactivationBilling);
    expect(await effects(consumerDb)).toEqual({ total: 250, distinct: 250 });
    await allPublished(prefix, consumerDb, recorder, Topics.ReactivationEligibility);
    // The killed consumer's relay may have published outputs it had no time to delete: the
    // restarted one publishes them again, under the same event ids (consumers drop the repeats).
    const outputs = recorder.events<{ orderId: string }>(EligibilityRejected.type);
    expect(new Set(outputs.map((e) => e.id)).size).toBe(250);
    expect(new Set(outputs.map((e) => e.data.orderId)).size).toBe(250);
  });

  it('loses and repeats no effect when the relay is killed after publishing and before marking rows published', async () => {
    // The producer first runs as the owner (migrations), then as a role that may not delete
    // outbox rows: its relay publishes, fails to mark them published, and is killed.
    const owner = await startProducer();
    await owner.stop();
    await queryDatabase(
      producerDb,
      `DO $$ BEGIN CREATE ROLE rt_relay_no_delete LOGIN;
      EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    );
    await queryDatabase(
      producerDb,
      `GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO rt_relay_no_delete;
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rt_relay_no_delete`,
    );
    const limitedUrl = producerDb.replace('postgres@', 'rt_relay_no_delete@');
    const crippled = await startProducer({ DATABASE_URL: limitedUrl });
    await startConsumer();
    await emit(crippled, 100);
    await recorder.waitFor(
      () => recorder.events(OrderPaid.type).length >= 100,
      30_000,
      '100 OrderPaid',
    );
    const [{ left }] = await queryDatabase<{ left: string }>(
      producerDb,
      'SELECT count(*) AS left FROM outbox_messages',
    );
    expect(Number(left)).toBe(100); // published, yet still unmarked
    await crippled.kill();

    await startProducer(); // the owner again: republishes the 100, then deletes them
    await eventually(async () => {
      const [{ n }] = await queryDatabase<{ n: string }>(
        producerDb,
        'SELECT count(*) AS n FROM outbox_messages',
      );
      expect(Number(n)).toBe(0);
    });
    // An empty outbox means the broker has all 200; the recorder reads them a moment later.
    await recorder.waitFor(
      () => recorder.events(OrderPaid.type).length >= 200,
      30_000,
      '200 OrderPaid (100 republished)',
    );
    await expectEffects(consumerDb, 100);
    await caughtUp(prefix, CONSUMER_GROUP, Topics.ReactivationBilling);
    expect(await effects(consumerDb)).toEqual({ total: 100, distinct: 100 });
    await allPublished(prefix, consumerDb, recorder, Topics.ReactivationEligibility);
    expect(recorder.events(EligibilityRejected.type)).toHaveLength(100);
  });

  it('dead-letters malformed, invalid, unknown and poison records with a reason, and handles the next record on the partition', async () => {
    await startConsumer();
    const key = 'acct-dlq';
    const topic = Topics.ReactivationBilling;
    await publisher.raw(topic, key, 'this is not json');
    await publisher.raw(topic, key, JSON.stringify({ specversion: '1.0', hello: 'world' }));
    const valid = await publisher.event(OrderPaid, probeOrderPaid('ok-1', key, new Date()));
    await publisher.raw(
      topic,
      key,
      JSON.stringify({ ...valid, id: 'x-unknown', type: 'OrderTeleported' }),
    );
    await publisher.raw(
      topic,
      key,
      JSON.stringify({
        ...valid,
        id: 'x-invalid',
        data: { ...valid.data, amount: { amountMinor: -5, currency: 'euro' } },
      }),
    );
    await publisher.event(OrderPaid, probeOrderPaid('poison-1', key, new Date()));
    await publisher.event(OrderPaid, probeOrderPaid('ok-2', key, new Date()));

    const dlqTopic = deadLetterTopicOf(CONSUMER_GROUP);
    await recorder.waitFor(
      () => recorder.records.filter((r) => r.topic === dlqTopic).length === 5,
      30_000,
      '5 dead letters',
    );
    const letters = recorder.records.filter((r) => r.topic === dlqTopic);
    expect(letters.map((r) => r.headers[DeadLetterHeaders.ErrorCode])).toEqual([
      'NOT_JSON',
      'INVALID_ENVELOPE',
      'UNKNOWN_EVENT_TYPE',
      'INVALID_DATA',
      'PROBE_POISON',
    ]);
    for (const letter of letters) {
      expect(letter.key).toBe(key);
      expect(letter.headers[DeadLetterHeaders.OriginTopic]).toBe(topic);
      expect(letter.headers[DeadLetterHeaders.ConsumerGroup]).toBe(CONSUMER_GROUP);
      expect(letter.headers[DeadLetterHeaders.Reason].length).toBeGreaterThan(5);
    }
    expect(letters[0].value!.toString()).toBe('this is not json');
    expect(letters[3].headers[DeadLetterHeaders.Reason]).toMatch(/amount/);
    await expectEffects(consumerDb, 2);
    const handled = await queryDatabase<{ order_id: string }>(
      consumerDb,
      'SELECT order_id FROM probe_effects ORDER BY id',
    );
    expect(handled.map((r) => r.order_id)).toEqual(['ok-1', 'ok-2']);
  });

  it('retries a handler that fails transiently twice, and applies its effect once', async () => {
    await startConsumer();
    await publisher.event(OrderPaid, probeOrderPaid('flaky-1', 'acct-flaky', new Date()));
    await expectEffects(consumerDb, 1);
    await recorder.waitForEvent(
      EligibilityRejected.type,
      (d: { orderId: string }) => d.orderId === 'flaky-1',
    );
    await caughtUp(prefix, CONSUMER_GROUP, Topics.ReactivationBilling);
    expect(await effects(consumerDb)).toEqual({ total: 1, distinct: 1 });
    // No dead letter was written (the inbox holds every dead letter's key).
    expect(
      await queryDatabase(consumerDb, "SELECT 1 FROM inbox_events WHERE event_id LIKE 'dlq:%'"),
    ).toEqual([]);
  });

  it('commits the records a fetch brings from several partitions in one transaction, each once', async () => {
    const producer = await startProducer();
    await emit(producer, 60);
    await recorder.waitFor(
      () => recorder.events(OrderPaid.type).length === 60,
      30_000,
      'the 60 OrderPaid records',
    );
    const partitions = new Set(
      recorder.records.filter((r) => r.event?.type === OrderPaid.type).map((r) => r.partition),
    );
    expect(partitions.size).toBeGreaterThan(1);

    // Every record waits on the broker when the consumer joins: its first fetch brings them all.
    await startConsumer();
    await expectEffects(consumerDb, 60);
    // A row's xmin is the transaction that wrote it.
    const [{ transactions }] = await queryDatabase<{ transactions: number }>(
      consumerDb,
      'SELECT count(DISTINCT xmin::text)::int AS transactions FROM probe_effects',
    );
    expect(transactions).toBe(1);
    await caughtUp(prefix, CONSUMER_GROUP, Topics.ReactivationBilling);
    await allPublished(prefix, consumerDb, recorder, Topics.ReactivationEligibility);
    expect(recorder.events(EligibilityRejected.type)).toHaveLength(60);
  });

  it('loses and duplicates nothing when shut down mid-batch', async () => {
    const producer = await startProducer();
    const consumer = await startConsumer({
      PROBE_HANDLER_DELAY_MS: '5',
      MESSAGING_CHUNK_SIZE: '20',
    });
    await emit(producer, 400);
    await eventually(async () => expect((await effects(consumerDb)).total).toBeGreaterThan(20));
    await consumer.stop(); // SIGTERM while batches are in flight
    const atStop = await effects(consumerDb);
    expect(atStop.total).toBe(atStop.distinct);
    expect(atStop.total).toBeLessThan(400);

    await startConsumer();
    await expectEffects(consumerDb, 400);
    await caughtUp(prefix, CONSUMER_GROUP, Topics.ReactivationBilling);
    expect(await effects(consumerDb)).toEqual({ total: 400, distinct: 400 });
    await allPublished(prefix, consumerDb, recorder, Topics.ReactivationEligibility);
    expect(recorder.events(EligibilityRejected.type)).toHaveLength(400);
  });
});
