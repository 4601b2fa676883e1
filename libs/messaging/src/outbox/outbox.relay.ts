import { DEAD_LETTER_MAX_MESSAGE_BYTES, isDeadLetterTopic } from '@app/contracts';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  Admin,
  ICustomPartitioner,
  Kafka,
  PartitionMetadata,
  Partitioners,
  Producer,
} from 'kafkajs';
import { ClientBase, PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { MessagingOptions, TopicNames } from '../kafka/messaging.config';
import { MessagingMetrics } from '../metrics/messaging.metrics';
import { FollowOn } from '../persistence/pipelined-transaction';
import { chunkByBytes, DEFAULT_MAX_BATCH_BYTES, groupInOrder, recordBytes } from './outbox-batches';
import { decodeHeaders } from './outbox-headers';

/** Room left under a dead-letter topic's limit for the record batch's own framing. */
const DEAD_LETTER_BATCH_OVERHEAD = 48 * 1024;

interface OutboxRow {
  id: string;
  topic: string;
  message_key: Buffer;
  payload: Buffer;
  headers: Buffer;
  event_type: string | null;
}

/** A drain's first round trip, already sent behind a commit on its connection (drainAfter). */
interface StartedDrain {
  client: PoolClient;
  release: () => Promise<void>;
  started: Promise<unknown>;
}

/**
 * How a transaction that may write the outbox has its rows published at once: `followOn`, given
 * to pipelinedTransaction, begins the relay's drain behind its COMMIT (OutboxRelay.drainAfter);
 * `wake`, once it committed, wakes the relay unless that drain was begun.
 */
export interface CommitPublication {
  followOn: FollowOn;
  wake(): void;
}

/** A row bound for one partition (physical topic), with its size in a record batch. */
interface Outgoing {
  row: OutboxRow;
  topic: string;
  partition: number;
  bytes: number;
}

interface Parked {
  message: Outgoing;
  reason: string;
}

/** What one send of rows came to: published, parked for good, or stopped by a failure. */
interface Published {
  sent: Outgoing[];
  parked: Parked[];
  failure?: unknown;
}

/** Arbitrary constant: the advisory lock that makes one relay per database the publisher. */
const RELAY_LOCK_KEY = 7_100_231;
const BATCH_SIZE = 1000;
/**
 * A drain's first round trip, three statements: the transaction; the lock, whose outcome is kept
 * in a setting of the transaction, with the oldest row's age for the gauge (one value: a time
 * read for every row was most of the relay's parsing); the rows, if the lock was had. Each
 * statement reads a snapshot of its own, so the rows are read after the lock is taken: every row a
 * previous drain deleted before releasing it is gone.
 */
const DRAIN_START = `BEGIN;
  SELECT set_config('outbox_relay.locked',
                    CASE WHEN pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) THEN 'on' ELSE 'off' END,
                    true) = 'on' AS locked,
         (SELECT extract(epoch FROM now() - created_at)::float8
            FROM outbox_messages ORDER BY id LIMIT 1) AS oldest_age_seconds;
  SELECT id, topic, message_key, payload, headers, event_type
    FROM outbox_messages WHERE current_setting('outbox_relay.locked') = 'on'
   ORDER BY id LIMIT ${BATCH_SIZE}`;
/** Another instance is draining: try again this soon when this one has rows of its own waiting. */
const BUSY_RETRY_MS = 25;
/** Partition counts are re-read this often (a topic may gain partitions). */
const METADATA_MAX_AGE_MS = 300_000;
/** The parked-rows gauge is refreshed at most this often. */
const PARKED_GAUGE_EVERY_MS = 30_000;

/**
 * Broker errors that mean the record itself can never be appended (not the broker's state):
 * such a record is parked instead of blocking its partition.
 */
const RECORD_FAULTS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

/**
 * Publishes committed outbox rows to Kafka, then deletes them.
 *
 * Woken in process right after each commit, and sweeping periodically to pick up rows left by a
 * crash or by another instance. Each drain is one database transaction that first takes a
 * transaction-scoped advisory lock: drains of all instances are serialized, and the lock cannot
 * outlive the connection that deletes the published rows (a lost connection loses the lock and
 * the deletion together; its rows are sent again by the next drain, and consumers drop the
 * repeats through their inbox).
 *
 * Order: rows are read in id order, which every committed row has by the time a later-caused
 * row exists (README, "The messaging runtime", Order); each topic-partition's rows are sent in that order,
 * in sends under the broker's size limit; a partition whose send fails keeps its remaining rows
 * for the next drain, the others' rows are published and deleted. A row the broker can never take
 * is moved to `outbox_parked` (metric, log line with ids, `ops outbox`).
 */
export class OutboxRelay implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly topics: TopicNames;
  private readonly maxBatchBytes: number;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionCounts = new Map<string, { count: number; readAt: number }>();
  private producer?: Producer;
  private admin?: Admin;
  private running = false;
  private loop?: Promise<void>;
  private pendingWake = false;
  private wakeUp?: () => void;
  private interrupt?: () => void;
  private parkedGaugeAt = 0;
  /** Set by drainAfter, taken by the next drain. */
  private startedDrain?: StartedDrain;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly options: MessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    this.topics = new TopicNames(options.topicPrefix);
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was committed: publish it now rather than at the next sweep. */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** For one transaction that may write the outbox: see CommitPublication. */
  publication(): CommitPublication {
    let drained = false;
    return {
      followOn: (connection, release) => (drained = this.drainAfter(connection, release)),
      wake: () => {
        if (!drained) this.wake();
      },
    };
  }

  /**
   * Something is being committed on `connection` (its COMMIT queued, not yet answered): when this
   * relay waits idle, its drain's first round trip (DRAIN_START) is queued behind that COMMIT, in
   * the same write, and the relay is woken to finish the drain on that connection and release it.
   * The drain reads after the commit, as one woken by it would, but without a connection of its
   * own nor a round trip of its own to begin: on every hop of a saga, one round trip less between
   * a commit and its events' publication. False when this relay is not waiting (it drains, lingers
   * or is stopped): the caller then wakes it (wake). Used through publication().
   */
  drainAfter(connection: ClientBase, release: () => Promise<void>): boolean {
    const lingers = (this.options.relayLingerMs ?? 0) > 0;
    if (!this.running || !this.producer || !this.wakeUp || this.startedDrain || lingers) {
      return false;
    }
    const started = connection.query(DRAIN_START);
    // Its answer, or its failure, is the drain's to handle.
    started.catch(() => undefined);
    this.startedDrain = { client: connection as PoolClient, release, started };
    this.wakeUp();
    return true;
  }

  /**
   * Publishes everything committed so far (used on shutdown and by tests). When another
   * instance is draining, waits for it (up to `waitMs`) and drains after it.
   */
  async flush(waitMs = 5000): Promise<void> {
    const deadline = Date.now() + waitMs;
    this.producer ??= await this.connectProducer();
    while ((await this.drain()) === 'busy' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
  }

  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      this.interrupt?.();
      await this.loop;
    }
    if (this.producer) {
      await this.flush().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'final outbox flush failed; rows stay for the next start'),
      );
    }
    await this.producer?.disconnect();
    this.producer = undefined;
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async run(): Promise<void> {
    let backoffMs = 100;
    let busyRetryMs = BUSY_RETRY_MS;
    while (this.running) {
      const sweepMs = this.options.relaySweepMs ?? 1000;
      try {
        this.producer ??= await this.connectProducer();
        // A drain begun behind a commit (drainAfter) read before the wake-ups that came after
        // it: they stay pending, for the drain after it.
        const handed = this.startedDrain !== undefined;
        const woken = this.pendingWake || handed;
        const lingerMs = this.options.relayLingerMs ?? 0;
        // Commits of the next moment join this drain (not cut short by their wake-ups).
        if (woken && lingerMs > 0) await this.sleep(lingerMs, false);
        if (!handed) this.pendingWake = false;
        const outcome = await this.drain();
        // Another instance's drain may have read before this one's commit: try again soon, and
        // less often while it keeps draining (a broker outage can hold its drain for a while).
        if (outcome === 'busy' && woken) this.pendingWake = true;
        await this.refreshParkedGauge();
        backoffMs = 100;
        if (outcome === 'drained') busyRetryMs = BUSY_RETRY_MS;
        if (!this.pendingWake) await this.sleep(sweepMs);
        else if (outcome === 'busy') {
          // Not cut short by this instance's next commits: it will be tried then anyway.
          await this.sleep(busyRetryMs, false);
          busyRetryMs = Math.min(busyRetryMs * 2, sweepMs);
        }
      } catch (error) {
        this.logger.warn({ err: error, backoffMs }, 'outbox relay failed; retrying');
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  /**
   * Publishes and deletes committed rows, a transaction per batch; 'busy' if another drains.
   * A drain is two round trips to the database: one opens the transaction, takes the lock and
   * reads (DRAIN_START), one deletes what was published and commits.
   */
  private async drain(): Promise<'drained' | 'busy'> {
    for (;;) {
      // Begun behind a commit on its connection (drainAfter), or on a connection of its own.
      const handed = this.startedDrain;
      this.startedDrain = undefined;
      const runner = handed ? undefined : this.dataSource.createQueryRunner();
      let client: PoolClient | undefined = handed?.client;
      let rows: OutboxRow[];
      let published: Published;
      try {
        // The raw connection: TypeORM answers one result per query, and these carry several.
        client ??= (await runner!.connect()) as PoolClient;
        const [, lock, read] = (await (handed?.started ?? client.query(DRAIN_START))) as [
          QueryResult,
          QueryResult<{ locked: boolean; oldest_age_seconds: number | null }>,
          QueryResult<OutboxRow>,
        ];
        if (!lock.rows[0].locked) {
          await client.query('ROLLBACK');
          return 'busy';
        }
        rows = read.rows;
        this.metrics.outboxBacklog.set(rows.length);
        this.metrics.outboxOldestAge.set(Math.max(0, lock.rows[0].oldest_age_seconds ?? 0));
        if (rows.length === 0) {
          await client.query('COMMIT');
          return 'drained';
        }
        published = await this.publish(rows);
        if (published.parked.length > 0) await this.park(client, published.parked);
        // The ids are the database's own bigints, written into the statement as a literal; an
        // error in the DELETE skips the COMMIT after it, and the catch below rolls back.
        await client.query(
          published.sent.length > 0
            ? `DELETE FROM outbox_messages WHERE id = ANY('{${published.sent.map((m) => bigint(m.row.id)).join(',')}}'::bigint[]); COMMIT`
            : 'COMMIT',
        );
      } catch (error) {
        // A connection that died leaves the pool on release; a live one is rolled back first.
        await client?.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        await (handed ? handed.release() : runner!.release());
      }
      this.counted(published);
      if (published.failure) throw asError(published.failure);
      if (rows.length < BATCH_SIZE) return 'drained';
    }
  }

  /**
   * Sends rows per topic-partition, in order within one, each partition's rows in chunks under
   * the size limit. The next chunk of every partition goes in one request (a round): one produce
   * request, one round trip, instead of one per partition. A round the broker refuses is sent
   * again chunk by chunk, to tell which partition's records it refused: the chunks it did append
   * are acknowledged as duplicates (the idempotent producer sends them with the same sequence
   * numbers) and not appended twice. A round that fails without a broker's answer (the broker
   * away, after the producer's retries) stops every partition in it, as each partition's own send
   * would have: their rows wait for the next drain.
   */
  private async publish(rows: OutboxRow[]): Promise<Published> {
    const outgoing = await this.route(rows);
    const result: Published = { sent: [], parked: [] };
    const queues = groupInOrder(outgoing, (m) => `${m.topic}\u0000${m.partition}`).map(
      (partitionRows) => this.chunksOf(partitionRows, result),
    );
    for (;;) {
      const round = queues.flatMap((queue) =>
        queue.length > 0 ? [{ queue, chunk: queue.shift()! }] : [],
      );
      if (round.length === 0) return result;
      const records = round.flatMap(({ chunk }) => chunk);
      try {
        await this.send(records);
        result.sent.push(...records);
        continue;
      } catch (error) {
        if (!answeredByBroker(error)) {
          result.failure ??= error;
          return result; // every partition's later rows wait, so they keep their order
        }
      }
      for (const { queue, chunk } of round) {
        // A partition that fails keeps its later rows for the next drain, in order.
        if (!(await this.publishChunk(chunk, result))) queue.length = 0;
      }
    }
  }

  /** One partition's rows in sends under the size limit; a row above it alone is parked. */
  private chunksOf(messages: Outgoing[], result: Published): Outgoing[][] {
    // A dead letter keeps the original record whole: its topic takes larger records.
    const limit = isDeadLetterTopic(messages[0].topic)
      ? DEAD_LETTER_MAX_MESSAGE_BYTES - DEAD_LETTER_BATCH_OVERHEAD
      : this.maxBatchBytes;
    const { chunks, oversized } = chunkByBytes(messages, (m) => m.bytes, limit);
    for (const message of oversized) {
      result.parked.push({
        message,
        reason: `TOO_LARGE: ~${message.bytes} bytes, the relay's limit is ${limit}`,
      });
    }
    return chunks;
  }

  /**
   * Sends one chunk of one partition; if the broker refuses it for a record's fault, finds which
   * record, one at a time, and parks it. False when the partition cannot take more now.
   */
  private async publishChunk(chunk: Outgoing[], result: Published): Promise<boolean> {
    try {
      await this.send(chunk);
      result.sent.push(...chunk);
      return true;
    } catch (error) {
      if (!recordFault(error)) {
        result.failure ??= error;
        return false;
      }
    }
    // The broker refused the batch for a record's fault: find which, one at a time.
    for (const message of chunk) {
      try {
        await this.send([message]);
        result.sent.push(message);
      } catch (error) {
        const fault = recordFault(error);
        if (!fault) {
          result.failure ??= error;
          return false;
        }
        result.parked.push({ message, reason: `${fault}: refused by the broker` });
      }
    }
    return true;
  }

  /** One produce request for the messages, whatever their topics and partitions. */
  private async send(messages: Outgoing[]): Promise<void> {
    await this.producer!.sendBatch({
      acks: -1,
      topicMessages: groupInOrder(messages, (m) => m.topic).map((ofTopic) => ({
        topic: ofTopic[0].topic,
        messages: ofTopic.map(({ row, partition }) => ({
          partition,
          key: row.message_key,
          value: row.payload,
          headers: decodeHeaders(row.headers),
        })),
      })),
    });
  }

  /** Each row's physical topic and partition (the producer's default partitioner, by key). */
  private async route(rows: OutboxRow[]): Promise<Outgoing[]> {
    const topics = [...new Set(rows.map((row) => this.topics.physical(row.topic)))];
    const counts = await this.partitionCountsOf(topics);
    return rows.map((row) => {
      const topic = this.topics.physical(row.topic);
      return {
        row,
        topic,
        partition: this.partitioner({
          topic,
          partitionMetadata: counts.get(topic)!,
          message: { key: row.message_key, value: null },
        }),
        bytes: recordBytes(row.message_key, row.payload, row.headers),
      };
    });
  }

  private async partitionCountsOf(topics: string[]): Promise<Map<string, PartitionMetadata[]>> {
    const now = Date.now();
    const stale = topics.filter((t) => {
      const known = this.partitionCounts.get(t);
      return !known || now - known.readAt > METADATA_MAX_AGE_MS;
    });
    if (stale.length > 0) {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const metadata = await this.admin.fetchTopicMetadata({ topics: stale });
      for (const topic of metadata.topics) {
        this.partitionCounts.set(topic.name, { count: topic.partitions.length, readAt: now });
      }
    }
    return new Map(
      topics.map((t) => [t, partitionMetadata(this.partitionCounts.get(t)?.count ?? 0, t)]),
    );
  }

  /** Moves rows the broker can never take out of the way, in the drain's transaction. */
  private async park(client: PoolClient, parked: Parked[]): Promise<void> {
    await client.query(
      `WITH moved AS (
         DELETE FROM outbox_messages WHERE id = ANY($1::bigint[])
         RETURNING id, topic, message_key, payload, headers, event_type, created_at)
       INSERT INTO outbox_parked
         (id, topic, partition, message_key, payload, headers, event_type, created_at, size_bytes, reason)
       SELECT moved.id, moved.topic, p.partition, moved.message_key, moved.payload, moved.headers,
              moved.event_type, moved.created_at, p.size_bytes, p.reason
         FROM moved JOIN unnest($1::bigint[], $2::int[], $3::int[], $4::text[])
                        AS p(id, partition, size_bytes, reason) ON p.id = moved.id`,
      [
        parked.map((p) => p.message.row.id),
        parked.map((p) => p.message.partition),
        parked.map((p) => p.message.bytes),
        parked.map((p) => p.reason),
      ],
    );
  }

  private counted(published: Published): void {
    for (const { row } of published.sent)
      this.metrics.eventsProduced.inc({ type: row.event_type ?? 'raw', topic: row.topic });
    for (const { message, reason } of published.parked) {
      const code = reason.split(':')[0];
      this.metrics.outboxParked.inc({ topic: message.row.topic, reason: code });
      // Ids and sizes only: the key and payload may hold personal data.
      this.logger.error(
        {
          outboxId: message.row.id,
          topic: message.row.topic,
          partition: message.partition,
          eventType: message.row.event_type,
          sizeBytes: message.bytes,
          reason,
        },
        'outbox row can never be published: parked in outbox_parked (see `ops outbox`)',
      );
    }
    if (published.parked.length > 0) this.parkedGaugeAt = 0;
  }

  private async refreshParkedGauge(): Promise<void> {
    if (Date.now() - this.parkedGaugeAt < PARKED_GAUGE_EVERY_MS) return;
    const [{ n }] = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM outbox_parked',
    );
    this.metrics.outboxParkedRows.set(n);
    this.parkedGaugeAt = Date.now();
  }

  private async connectProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: recordsOwnPartition,
    });
    await producer.connect();
    return producer;
  }

  /** Sleeps `ms`; stop() ends it, and so does wake() unless `byWake` is false. */
  private sleep(ms: number, byWake = true): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      // Set only while it sleeps: drainAfter reads wakeUp as "waiting idle".
      const done = () => {
        clearTimeout(timer);
        this.interrupt = this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interrupt = done;
      this.wakeUp = byWake ? done : undefined;
    });
  }
}

/**
 * The relay's producer partitioner: every record it sends names its partition (`route`, with the
 * default partitioner, by key). kafkajs asks the producer's partitioner for every record anyway,
 * and the default one copies the topic's partition list before it looks at the record's own.
 */
const recordsOwnPartition: ICustomPartitioner =
  () =>
  ({ message }) => {
    if (message.partition === undefined) throw new Error('outbox record without a partition');
    return message.partition;
  };

/** An outbox id as it may be written into a statement: digits only. */
function bigint(id: string): string {
  if (!/^[0-9]+$/.test(id)) throw new Error(`outbox id ${JSON.stringify(id)} is not a bigint`);
  return id;
}

function asError(failure: unknown): Error {
  return failure instanceof Error ? failure : new Error(String(failure));
}

/**
 * Whether the broker answered the request (a protocol error: it refused some partition's
 * records) rather than not at all (a connection lost, a timeout).
 */
function answeredByBroker(error: unknown): boolean {
  for (let e = error as { name?: unknown; cause?: unknown } | undefined; e;) {
    if (e.name === 'KafkaJSProtocolError') return true;
    e = e.cause === e ? undefined : (e.cause as typeof e | undefined);
  }
  return false;
}

/** The broker's error type when it refused a record for the record's own fault. */
function recordFault(error: unknown): string | undefined {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined; e;) {
    if (typeof e.type === 'string' && RECORD_FAULTS.has(e.type)) return e.type;
    e = e.cause === e ? undefined : (e.cause as typeof e | undefined);
  }
  return undefined;
}

const metadataByCount = new Map<number, PartitionMetadata[]>();

/** What the default partitioner reads of a topic: its number of partitions. */
function partitionMetadata(count: number, topic: string): PartitionMetadata[] {
  if (count === 0) throw new Error(`topic ${topic} has no partitions (does it exist?)`);
  let metadata = metadataByCount.get(count);
  if (!metadata) {
    metadata = Array.from({ length: count }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
      partitionErrorCode: 0,
    }));
    metadataByCount.set(count, metadata);
  }
  return metadata;
}
