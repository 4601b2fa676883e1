/**
 * How the consumer meets failures, against the real broker and PostgreSQL with the consumer in a
 * process of its own (the probe, libs/testing/src/probe/probe.ts): hostile bytes, an overloaded
 * database, recreated topics, events from the wrong producer, and dead letters redriven.
 *
 * "Nothing else happened" is proven with a barrier: a record behind the one under test, on the
 * same key (so the same partition, handled after it), whose effect the test waits for.
 */
import { deadLetterTopicOf, OrderPaid, producerSourceOf, Topics } from '@app/contracts';
import {
  createEvent,
  DeadLetterHeaders,
  ensureTopics,
  SEALED_ORIGIN_HEADERS,
  kafkaClient,
} from '@app/messaging';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  probeOrderPaid,
  queryDatabase,
  RecordedRecord,
  ServiceProcess,
  startService,
  TestPublisher,
  testInfrastructure,
  TopicRecorder,
} from '@app/testing';
import { logLevel } from 'kafkajs';
import { Client } from 'pg';

const PROBE = 'dist/libs/testing/src/probe/probe.js';
const GROUP = 'probe-failures';
const DLQ = deadLetterTopicOf(GROUP);
const TOPIC = Topics.ReactivationBilling;

describe('the consumer under failures (real Kafka, real PostgreSQL, probe process)', () => {
  let prefix: string;
  let consumerDb: string;
  let recorder: TopicRecorder;
  let publisher: TestPublisher;
  const running: ServiceProcess[] = [];

  const startConsumer = async () => {
    const service = await startService(
      'probe-failures',
      { DATABASE_URL: consumerDb, KAFKA_TOPIC_PREFIX: prefix, PROBE_GROUP: GROUP },
      { entry: PROBE },
    );
    running.push(service);
    return service;
  };
  const handledOrders = async () =>
    (
      await queryDatabase<{ order_id: string }>(
        consumerDb,
        'SELECT order_id FROM probe_effects ORDER BY id',
      )
    ).map((row) => row.order_id);
  /**
   * The barrier: a valid event under the Kafka key `key` (so on the same partition, behind the
   * records under test), and its effect.
   */
  const barrier = async (key: string, orderId: string) => {
    const event = createEvent(
      OrderPaid,
      probeOrderPaid(orderId, 'acct-barrier', new Date()),
      { source: producerSourceOf(TOPIC), correlationId: orderId },
      new Date(),
    );
    await publisher.raw(TOPIC, key, JSON.stringify(event));
    await eventually(async () => expect(await handledOrders()).toContain(orderId), 60_000);
  };
  const deadLetters = () => recorder.records.filter((r) => r.topic === DLQ);
  const waitForDeadLetters = (count: number) =>
    recorder.waitFor(() => deadLetters().length >= count, 60_000, `${count} dead letter(s)`);

  beforeEach(async () => {
    // A loaded broker may not yet answer for topics it has just created: try another prefix.
    prefix = await eventually(() => createTestTopics([GROUP]), 60_000, 1000);
    consumerDb = await createTestDatabase('failures');
    recorder = await TopicRecorder.start(prefix, [DLQ]);
    publisher = await TestPublisher.connect(prefix);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.kill()));
    await recorder.stop();
    await publisher.disconnect();
  });

  it('dead-letters a non-JSON value holding NUL bytes, and the partition moves on', async () => {
    await startConsumer();
    const key = 'acct-nul-value';
    const value = Buffer.from('\u0000not json\u0000 at all');
    await publisher.raw(TOPIC, key, value);
    await barrier(key, 'after-nul-value');

    await waitForDeadLetters(1);
    expect(deadLetters()).toHaveLength(1);
    const [letter] = deadLetters();
    expect(letter.value).toEqual(value);
    expect(letter.key).toBe(key);
    expect(letter.headers[DeadLetterHeaders.ErrorCode]).toBe('NOT_JSON');
    // The runtime's own text is escaped, and quotes none of the record's bytes.
    expect(letter.headers[DeadLetterHeaders.Reason]).toMatch(/^value is not JSON/);
    expect(letter.headers[DeadLetterHeaders.Reason]).not.toContain('\u0000');
    expect(letter.headers[DeadLetterHeaders.Reason]).not.toContain('at all');
  });

  // Needs the outbox to store bytes (the relay engineer's storage change): until then the copy's
  // key and header do not survive the outbox (JSON headers), and the relay cannot send it.
  it('dead-letters an unsigned record whose key and header hold NUL bytes, keeping their bytes, and the partition moves on', async () => {
    await startConsumer();
    const key = 'acct-nul\u0000key';
    await publisher.raw(Topics.ReactivationBilling, key, 'not json either', {
      headers: { 'x-hostile': 'a\u0000b' },
    });
    await barrier(key, 'after-nul-key');

    await waitForDeadLetters(1);
    expect(deadLetters()).toHaveLength(1);
    const [letter] = deadLetters();
    expect(letter.key).toBe(key);
    expect(letter.headers['x-hostile']).toBe('a\u0000b');
    expect(letter.value!.toString()).toBe('not json either');
  });

  it('retries a valid event while the database refuses it (lock timeouts for longer than the old retry budget), never dead-letters it, and applies it once the database heals', async () => {
    // Every connection of the consumer gives up on a lock after 200 ms (55P03, lock_timeout).
    const database = new URL(consumerDb).pathname.slice(1);
    await queryDatabase(consumerDb, `ALTER DATABASE "${database}" SET lock_timeout = '200ms'`);
    const consumer = await startConsumer();
    const holder = new Client({ connectionString: consumerDb });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE probe_effects IN ACCESS EXCLUSIVE MODE');
      const key = 'acct-locked';
      await publisher.event(OrderPaid, probeOrderPaid('locked-1', key, new Date()));
      // The consumer has hit the lock; hold it for 12 s more (before the fix it was dead-lettered
      // after 5 attempts per chunk and 5 per record, ~5 s).
      await eventually(async () => expect(await retriesOf(consumer)).toBeGreaterThan(0), 30_000);
      const heldFrom = Date.now();
      await eventually(
        async () => {
          expect(Date.now() - heldFrom).toBeGreaterThan(12_000);
          expect(await retriesOf(consumer)).toBeGreaterThan(5);
        },
        60_000,
        500,
      );
      await holder.query('ROLLBACK');

      await eventually(async () => expect(await handledOrders()).toEqual(['locked-1']), 30_000);
      // A poison record behind it on the same key: its dead letter is the only one.
      await publisher.event(OrderPaid, probeOrderPaid('poison-behind-lock', key, new Date()));
      await waitForDeadLetters(1);
      expect(deadLetters().map((r) => r.headers[DeadLetterHeaders.ErrorCode])).toEqual([
        'PROBE_POISON',
      ]);
      expect(await handledOrders()).toEqual(['locked-1']);
    } finally {
      await holder.end();
    }
  });

  // PostgreSQL raises these from a trigger on the handler's table while a fault row says so: the
  // handler's statement fails with the real SQLSTATE and message while everything else (inbox,
  // outbox, dead letters) works, which is when the runtime used to dead-letter the event.
  it.each([
    ['53300', 'sorry, too many clients already'],
    ['40P01', 'deadlock detected'],
  ])(
    'retries a valid event while its handling fails with %s (%s) for longer than the old retry budget, never dead-letters it, and applies it once the fault is gone',
    async (sqlstate, message) => {
      const consumer = await startConsumer();
      await queryDatabase(
        consumerDb,
        `CREATE TABLE test_fault (sqlstate text NOT NULL, message text NOT NULL);
         CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
         DECLARE f test_fault; BEGIN
           SELECT * INTO f FROM test_fault LIMIT 1;
           IF FOUND THEN RAISE EXCEPTION '%', f.message USING ERRCODE = f.sqlstate; END IF;
           RETURN NEW;
         END $$;
         CREATE TRIGGER test_fault BEFORE INSERT ON probe_effects
           FOR EACH ROW EXECUTE FUNCTION test_fault();`,
      );
      await queryDatabase(consumerDb, 'INSERT INTO test_fault VALUES ($1, $2)', [
        sqlstate,
        message,
      ]);
      const key = `acct-fault-${sqlstate}`;
      await publisher.event(OrderPaid, probeOrderPaid(`fault-${sqlstate}`, key, new Date()));
      await eventually(async () => expect(await retriesOf(consumer)).toBeGreaterThan(0), 30_000);
      const faultFrom = Date.now();
      await eventually(
        async () => {
          expect(Date.now() - faultFrom).toBeGreaterThan(12_000);
          expect(await retriesOf(consumer)).toBeGreaterThan(5);
        },
        60_000,
        500,
      );
      expect(await handledOrders()).toEqual([]);
      await queryDatabase(consumerDb, 'DELETE FROM test_fault');

      await eventually(
        async () => expect(await handledOrders()).toEqual([`fault-${sqlstate}`]),
        30_000,
      );
      await publisher.event(OrderPaid, probeOrderPaid(`poison-after-${sqlstate}`, key, new Date()));
      await waitForDeadLetters(1);
      expect(deadLetters().map((r) => r.headers[DeadLetterHeaders.ErrorCode])).toEqual([
        'PROBE_POISON',
      ]);
      expect(await handledOrders()).toEqual([`fault-${sqlstate}`]);
    },
  );

  it('dead-letters a new bad record at a position dead-lettered before, after the topic was recreated with the databases kept', async () => {
    const key = 'acct-recreated';
    let consumer = await startConsumer();
    await publisher.raw(TOPIC, key, 'first bad record');
    await waitForDeadLetters(1);
    const first = deadLetters()[0];
    expect(first.headers[DeadLetterHeaders.OriginOffset]).toBe('0');
    await consumer.stop();

    // The broker's data for the topic and the group is gone; the consumer's database stays.
    await recreateTopic(prefix, TOPIC, GROUP);
    consumer = await startConsumer();
    await publisher.raw(TOPIC, key, 'second bad record');
    await waitForDeadLetters(2);
    const second = deadLetters()[1];
    expect(second.headers[DeadLetterHeaders.OriginOffset]).toBe('0');
    expect(second.headers[DeadLetterHeaders.OriginPartition]).toBe(
      first.headers[DeadLetterHeaders.OriginPartition],
    );
    expect(second.value!.toString()).toBe('second bad record');
    const metrics = await consumer.http<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/messaging_dead_letters_total\{code="NOT_JSON"[^}]*\} 1/);
  });

  it('dead-letters an event whose source is not its topic’s one producer (WRONG_PRODUCER)', async () => {
    await startConsumer();
    const key = 'acct-impostor';
    await publisher.event(OrderPaid, probeOrderPaid('forged-1', key, new Date()), {
      source: producerSourceOf(Topics.ReactivationEligibility),
    });
    await barrier(key, 'genuine-1');

    expect(await handledOrders()).toEqual(['genuine-1']);
    expect(deadLetters()).toHaveLength(1);
    const [letter] = deadLetters();
    expect(letter.headers[DeadLetterHeaders.ErrorCode]).toBe('WRONG_PRODUCER');
    expect(letter.headers[DeadLetterHeaders.Reason]).toContain(producerSourceOf(TOPIC));
  });

  it('carries the original append time through dead letter and redrive, under a seal only the service can make', async () => {
    await startConsumer();
    const key = 'acct-redrive';
    const before = Date.now();
    await publisher.event(OrderPaid, probeOrderPaid('poison-redrive', key, new Date()));
    const after = Date.now();
    await waitForDeadLetters(1);
    const original = deadLetters()[0];
    const appendedAt = original.headers[DeadLetterHeaders.OriginAppendedAt];
    expect(new Date(appendedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(appendedAt).getTime()).toBeLessThanOrEqual(after + 1000);

    // Redriven as `ops dlq redrive` does (original headers and the sealed origin), it fails
    // again: its new dead letter still names the first append time.
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the redrive's own append time differs
    await publisher.raw(TOPIC, key, original.value!, { headers: redriveHeaders(original) });
    await waitForDeadLetters(2);
    expect(deadLetters()[1].headers[DeadLetterHeaders.OriginAppendedAt]).toBe(appendedAt);

    // A seal that does not hold (here: an earlier time claimed) is ignored: the record is judged
    // on its own append time.
    const forged = {
      ...redriveHeaders(original),
      [DeadLetterHeaders.OriginAppendedAt]: new Date(
        Date.parse(appendedAt) - 3_600_000,
      ).toISOString(),
    };
    const forgedAt = Date.now();
    await publisher.raw(TOPIC, key, original.value!, { headers: forged });
    await waitForDeadLetters(3);
    const judged = Date.parse(deadLetters()[2].headers[DeadLetterHeaders.OriginAppendedAt]);
    expect(judged).toBeGreaterThanOrEqual(forgedAt - 1000);
  });
});

/** The headers `ops dlq redrive` puts on a redriven record (apps/ops/src/dlq/dead-letter.ts). */
function redriveHeaders(letter: RecordedRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(letter.headers)) {
    if (!name.startsWith('dlq-') || SEALED_ORIGIN_HEADERS.includes(name)) headers[name] = value;
  }
  return headers;
}

async function retriesOf(service: ServiceProcess): Promise<number> {
  const metrics = await service.http<string>('GET', '/metrics');
  const match = /^messaging_retries_total (\d+)/m.exec(metrics.body);
  return match ? Number(match[1]) : 0;
}

/** Deletes a topic and the group's offsets, and creates the topic again (offsets restart at 0). */
async function recreateTopic(prefix: string, topic: string, group: string): Promise<void> {
  const { brokers } = testInfrastructure();
  const kafka = kafkaClient({ clientId: 'test-recreate', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(() => admin.deleteGroups([prefix + group]), 30_000, 500);
    await admin.deleteTopics({ topics: [prefix + topic], timeout: 30_000 });
    await eventually(
      async () => {
        const checks = await ensureTopics(brokers, prefix, [group]);
        expect(checks.filter((check) => check.problems.length > 0)).toEqual([]);
        const offsets = await admin.fetchTopicOffsets(prefix + topic);
        expect(offsets.every((p) => p.high === '0')).toBe(true);
      },
      60_000,
      1000,
    );
  } finally {
    await admin.disconnect();
  }
}
