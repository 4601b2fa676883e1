import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { DataSource, QueryRunner } from 'typeorm';
import { MessagingOptions, TopicNames } from '../kafka/messaging.config';
import { MessagingMetrics } from '../metrics/messaging.metrics';

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
  event_type: string | null;
  created_at: Date;
}

/** Arbitrary constant: the advisory lock that makes one relay per database the publisher. */
const RELAY_LOCK_KEY = 7_100_231;
const BATCH_SIZE = 1000;

/**
 * Publishes committed outbox rows to Kafka in commit (id) order, then deletes them.
 *
 * Woken in process right after each commit, and sweeping periodically to pick up rows left by a
 * crash. A crash between publishing and deleting republishes those rows on restart: consumers
 * drop the duplicates through their inbox. Only the holder of an advisory lock publishes, so two
 * instances of a service never interleave (and reorder) one key's events.
 */
export class OutboxRelay implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly topics: TopicNames;
  private producer?: Producer;
  private lockHolder?: QueryRunner;
  private running = false;
  private loop?: Promise<void>;
  private pendingWake = false;
  private wakeUp?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly options: MessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    this.topics = new TopicNames(options.topicPrefix);
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

  /** Publishes everything committed so far (used on shutdown and by tests). */
  async flush(): Promise<void> {
    if (this.producer && this.lockHolder) await this.drain();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    await this.flush().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'final outbox flush failed; rows stay for the next start'),
    );
    await this.producer?.disconnect();
    this.producer = undefined;
    if (this.lockHolder && !this.lockHolder.isReleased) {
      await this.lockHolder
        .query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY])
        .catch(() => {});
      await this.lockHolder.release().catch(() => {});
    }
    this.lockHolder = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async run(): Promise<void> {
    let backoffMs = 100;
    while (this.running) {
      try {
        if (!(await this.holdLock())) {
          await this.sleep(this.options.relaySweepMs ?? 1000);
          continue;
        }
        this.producer ??= await this.connectProducer();
        this.pendingWake = false;
        await this.drain();
        backoffMs = 100;
        if (!this.pendingWake) await this.sleep(this.options.relaySweepMs ?? 1000);
      } catch (error) {
        this.logger.warn({ err: error, backoffMs }, 'outbox relay failed; retrying');
        await this.releaseLockHolderIfBroken();
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows: OutboxRow[] = await this.dataSource.query(
        `SELECT id, topic, message_key, payload, headers, event_type, created_at
           FROM outbox_messages ORDER BY id LIMIT ${BATCH_SIZE}`,
      );
      this.metrics.outboxBacklog.set(rows.length);
      this.metrics.outboxOldestAge.set(
        rows.length > 0 ? Math.max(0, (Date.now() - rows[0].created_at.getTime()) / 1000) : 0,
      );
      if (rows.length === 0) return;
      await this.producer!.sendBatch({
        acks: -1,
        topicMessages: this.byTopic(rows),
      });
      await this.dataSource.query('DELETE FROM outbox_messages WHERE id = ANY($1::bigint[])', [
        rows.map((row) => row.id),
      ]);
      for (const row of rows)
        this.metrics.eventsProduced.inc({ type: row.event_type ?? 'raw', topic: row.topic });
      if (rows.length < BATCH_SIZE) return;
    }
  }

  private byTopic(rows: OutboxRow[]): { topic: string; messages: Message[] }[] {
    const grouped = new Map<string, Message[]>();
    for (const row of rows) {
      const topic = this.topics.physical(row.topic);
      let messages = grouped.get(topic);
      if (!messages) grouped.set(topic, (messages = []));
      messages.push({ key: row.message_key, value: row.payload, headers: row.headers });
    }
    return [...grouped].map(([topic, messages]) => ({ topic, messages }));
  }

  private async holdLock(): Promise<boolean> {
    if (this.lockHolder && !this.lockHolder.isReleased) return true;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
      RELAY_LOCK_KEY,
    ])) as { locked: boolean }[];
    if (!locked) {
      await runner.release();
      return false;
    }
    this.lockHolder = runner;
    return true;
  }

  private async releaseLockHolderIfBroken(): Promise<void> {
    if (!this.lockHolder) return;
    try {
      await this.lockHolder.query('SELECT 1');
    } catch {
      await this.lockHolder.release().catch(() => {});
      this.lockHolder = undefined;
    }
  }

  private async connectProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return producer;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }
}
