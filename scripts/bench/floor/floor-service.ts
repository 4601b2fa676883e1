/**
 * The floor's whole runtime, by hand: one consumer group per service, one database transaction per
 * fetched batch (inbox rows, the service's effect, its outbox rows), offsets committed after that
 * commit (once a second), and an in-process relay that publishes the outbox (acks=all, idempotent
 * producer, one request in flight) and deletes what the broker acknowledged. Plain kafkajs and pg:
 * no Nest, no ORM.
 */
import { CloudEvent, EventContract, TopicName } from '@app/contracts';
import { createEvent } from '@app/messaging';
import { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Pool, PoolClient } from 'pg';

/** A consumed record, decoded once. */
export interface FloorRecord {
  topic: string;
  event: CloudEvent<Record<string, unknown>>;
  value: Buffer;
  headers: IHeaders;
  /** The broker's timestamp (LogAppendTime on the payments topic), ms. */
  timestampMs: number;
}

/** An event to publish through the outbox. */
export interface FloorOutgoing {
  topic: TopicName;
  key: string;
  event: CloudEvent;
}

/** A service's effect for one batch, inside its transaction; returns what to publish. */
export type FloorBatchHandler = (
  db: PoolClient,
  records: FloorRecord[],
) => Promise<FloorOutgoing[]>;

export interface FloorServiceOptions {
  /** Its database schema, also the consumer group's suffix. */
  schema: string;
  topics: TopicName[];
  prefix: string;
  kafka: Kafka;
  pool: Pool;
  handle: FloorBatchHandler;
  /** Called after every committed batch (e.g. to wake a mailer). */
  afterCommit?: () => void;
  partitionsConsumedConcurrently?: number;
}

/** A floor service's consumer group: its schema is the suffix. */
export function floorGroupOf(prefix: string, schema: string): string {
  return `${prefix}floor-${schema}`;
}

/** A floor service's outbox table, in its schema. */
export function floorOutboxOf(schema: string): string {
  return `${schema}.outbox`;
}

/** The inbox and outbox every floor service has in its schema. */
export function runtimeTablesSql(schema: string): string {
  return `
    CREATE TABLE IF NOT EXISTS ${schema}.inbox (event_id text PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS ${floorOutboxOf(schema)} (
      seq bigserial PRIMARY KEY, topic text NOT NULL, key text NOT NULL, value text NOT NULL
    );`;
}

/** An outgoing event built the way the product builds it (same envelope and fields). */
export function outgoing<C extends EventContract>(
  contract: C,
  data: InstanceType<C> & { accountId: string },
  origin: Parameters<typeof createEvent>[2],
  time: Date,
): FloorOutgoing {
  return {
    topic: contract.topic,
    key: data.accountId,
    event: createEvent(contract, data, origin, time),
  };
}

export class FloorService {
  private consumer?: Consumer;
  private readonly relay: FloorRelay;
  /** Records handled (first delivery), records skipped as duplicates, batches. */
  readonly counts = { handled: 0, duplicates: 0, batches: 0, undecodable: 0 };

  constructor(private readonly options: FloorServiceOptions) {
    this.relay = new FloorRelay(options);
  }

  async start(): Promise<void> {
    const { kafka, prefix, schema, topics } = this.options;
    await this.relay.start();
    // The product's fetch wait (MESSAGING_FETCH_MAX_WAIT_MS): answered at once when records come.
    this.consumer = kafka.consumer({
      groupId: floorGroupOf(prefix, schema),
      maxWaitTimeInMs: 1000,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: topics.map((t) => prefix + t), fromBeginning: true });
    const consumer = this.consumer;
    // Ready once in the group: a rebalance must not fall into the measured window.
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.run({
      // Only offsets resolved after their batch's commit are committed, once a second (as the
      // product's runtime does): a redelivery after a crash finds its inbox rows.
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.messages.length === 0) return;
        await this.handleBatch(batch.topic.slice(prefix.length), batch.messages);
        payload.resolveOffset(batch.messages[batch.messages.length - 1].offset);
        await payload.commitOffsetsIfNecessary();
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.relay.stop();
  }

  private async handleBatch(topic: string, messages: KafkaMessage[]): Promise<void> {
    const records: FloorRecord[] = [];
    for (const message of messages) {
      try {
        const value = message.value ?? Buffer.alloc(0);
        const event = JSON.parse(value.toString('utf8')) as FloorRecord['event'];
        records.push({
          topic,
          event,
          value,
          headers: message.headers ?? {},
          timestampMs: Number(message.timestamp),
        });
      } catch {
        this.counts.undecodable++;
      }
    }
    const db = await this.options.pool.connect();
    try {
      await db.query('BEGIN');
      const fresh = await db.query<{ event_id: string }>(
        `INSERT INTO ${this.options.schema}.inbox (event_id) SELECT unnest($1::text[])
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [records.map((r) => r.event.id)],
      );
      const isNew = new Set(fresh.rows.map((row) => row.event_id));
      const firsts = records.filter((r) => isNew.has(r.event.id));
      const out = firsts.length > 0 ? await this.options.handle(db, firsts) : [];
      if (out.length > 0) await insertOutbox(db, this.options.schema, out);
      await db.query('COMMIT');
      this.counts.handled += firsts.length;
      this.counts.duplicates += records.length - firsts.length;
      this.counts.batches++;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      db.release();
    }
    if (this.options.afterCommit) this.options.afterCommit();
    this.relay.wake();
  }

  /** Publishes what another transaction of this service wrote to its outbox. */
  wakeRelay(): void {
    this.relay.wake();
  }
}

/** One statement for a batch's outbox rows. */
export async function insertOutbox(
  db: PoolClient,
  schema: string,
  out: FloorOutgoing[],
): Promise<void> {
  await db.query(
    `INSERT INTO ${floorOutboxOf(schema)} (topic, key, value)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [out.map((o) => o.topic), out.map((o) => o.key), out.map((o) => JSON.stringify(o.event))],
  );
}

/** Publishes the outbox in order, a drain at a time, and deletes what the broker acknowledged. */
class FloorRelay {
  private producer?: Producer;
  private wanted = false;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: FloorServiceOptions) {}

  async start(): Promise<void> {
    this.producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.producer?.disconnect();
  }

  wake(): void {
    this.wanted = true;
    this.running ??= this.drain()
      .catch((error: unknown) => {
        // The rows stay in the outbox: published again on the next try (at least once).
        console.error(`floor relay ${this.options.schema}:`, error);
        this.wanted = true;
        return new Promise<void>((resolve) => setTimeout(resolve, 500));
      })
      .finally(() => {
        this.running = undefined;
        if (this.wanted && !this.stopped) this.wake();
      });
  }

  private async drain(): Promise<void> {
    const { pool, schema, prefix } = this.options;
    while (this.wanted && !this.stopped) {
      this.wanted = false;
      for (;;) {
        const { rows } = await pool.query<{
          seq: string;
          topic: string;
          key: string;
          value: string;
        }>(`SELECT seq, topic, key, value FROM ${floorOutboxOf(schema)} ORDER BY seq LIMIT 1000`);
        if (rows.length === 0) break;
        const byTopic = new Map<string, { key: string; value: string }[]>();
        for (const row of rows) {
          const list = byTopic.get(row.topic) ?? [];
          list.push({ key: row.key, value: row.value });
          byTopic.set(row.topic, list);
        }
        await this.producer!.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({
            topic: prefix + topic,
            messages,
          })),
        });
        // Exactly the rows sent: a transaction still open when they were read may commit a lower seq.
        await pool.query(`DELETE FROM ${floorOutboxOf(schema)} WHERE seq = ANY($1::bigint[])`, [
          rows.map((row) => row.seq),
        ]);
        if (rows.length < 1000) break;
      }
    }
  }
}
