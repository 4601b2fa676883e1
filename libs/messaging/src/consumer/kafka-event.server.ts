import { contractOf, deadLetterTopicOf, DEFAULT_PARTITIONS, TopicName } from '@app/contracts';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import {
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import { DecodedEvent, decodeEvent } from '../envelope/event-decoder';
import { CodedError, DecodeError, errorCodeOf, isTransient } from '../errors';
import { MessagingOptions, TopicNames } from '../kafka/messaging.config';
import { MessagingMetrics } from '../metrics/messaging.metrics';
import { DeadLetterHeaders, OutboxMessage } from '../outbox/outbox-message';
import { OutboxRelay } from '../outbox/outbox.relay';
import { writeOutbox } from '../outbox/outbox.writer';
import { Transaction } from '../transaction/transaction';
import { BatchedEvent, EventBatch, EventContext, RecordOrigin } from './event-context';
import { batchPatternOf, eventTypeOfPattern } from './on-event.decorator';

/** One record of a batch, decoded (or not) before any database work. */
interface InboundRecord {
  origin: RecordOrigin;
  message: KafkaMessage;
  decoded?: DecodedEvent;
  failure?: DecodeError;
  handler?: EventHandler;
}

/** How the records of one event type are handled: one call per record, or per run of records. */
interface EventHandler {
  handle: MessageHandler;
  batched: boolean;
}

type Heartbeat = () => Promise<void>;

/**
 * The Kafka transport every service runs on (`app.connectMicroservice({ strategy })`).
 *
 * Records are handled in chunks: one database transaction per chunk holds the inbox entries
 * (event ids already seen are skipped), every handler's effects and every outgoing event (outbox),
 * so a chunk is applied entirely or not at all. Offsets are resolved only after the commit.
 * When a chunk fails, its records are retried one per transaction to isolate the culprit, which
 * is dead-lettered (through the outbox, in a transaction of its own) while the rest go on.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private readonly topics: TopicNames;
  private consumer?: Consumer;
  private joined = false;
  private readonly chunkSize: number;
  private readonly maxAttempts: number;
  /** Next offset to read per topic-partition, handled and committed to the database, not yet to Kafka. */
  private readonly uncommitted = new Map<string, TopicPartitionOffsetAndMetadata>();
  private readonly offsetCommitIntervalMs: number;
  private offsetCommitTimer?: NodeJS.Timeout;
  /** Set by close(): batches arriving from now on are left for the next owner. */
  private draining = false;
  private readonly batchesInFlight = new Set<Promise<void>>();
  /** Handler by event type, looked up once (Nest's lookup parses the pattern on every call). */
  private readonly handlers = new Map<string, EventHandler | undefined>();

  constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly options: MessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    super();
    this.topics = new TopicNames(options.topicPrefix);
    this.chunkSize = options.chunkSize ?? 200;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.offsetCommitIntervalMs = options.offsetCommitIntervalMs ?? 1000;
  }

  /** Logical topics this service subscribes to: those of the events it has handlers for. */
  subscribedTopics(): TopicName[] {
    const topics = new Set<TopicName>();
    for (const pattern of this.messageHandlers.keys()) {
      const type = eventTypeOfPattern(pattern);
      const contract = contractOf(type);
      if (!contract) throw new Error(`@OnEvent handler for unknown event type "${type}"`);
      topics.add(contract.topic);
    }
    return [...topics];
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.sequenceHandlerChains();
      this.refuseMixedHandlers();
      this.relay.start();
      const topics = this.subscribedTopics();
      if (topics.length === 0) {
        // A service that only publishes: nothing to consume, ready as it is.
        this.joined = true;
        return callback();
      }
      const consumer = this.kafka.consumer({
        // The topic prefix namespaces groups too: isolated runs never share a group.
        groupId: this.topics.physical(this.options.group),
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: 250,
        // A crashed member holds its partitions until its session expires: keep that short.
        sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: 1000,
      });
      this.consumer = consumer;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        this.joined = true;
        // Offsets of partitions this member no longer holds are its new owner's to commit.
        const assigned = payload.memberAssignment;
        for (const [key, { topic, partition }] of this.uncommitted) {
          if (!assigned[topic]?.includes(partition)) this.uncommitted.delete(key);
        }
      });
      for (const left of [
        consumer.events.CRASH,
        consumer.events.STOP,
        consumer.events.DISCONNECT,
      ]) {
        consumer.on(left, () => (this.joined = false));
      }
      await consumer.connect();
      await consumer.subscribe({
        topics: topics.map((topic) => this.topics.physical(topic)),
        fromBeginning: true,
      });
      // Offsets are committed by commitOffsets() below: kafkajs's auto-commit would commit after
      // every batch, one broker write (and fsync) per batch.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently:
          this.options.partitionsConsumedConcurrently ?? DEFAULT_PARTITIONS,
        eachBatch: (payload) => this.trackBatch(this.eachBatch(payload)),
      });
      if (this.offsetCommitIntervalMs > 0) {
        this.offsetCommitTimer = setInterval(
          () => void this.commitOffsets(),
          this.offsetCommitIntervalMs,
        ).unref();
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Drains: the batch in hand finishes and commits, offsets are committed, then the relay
   * publishes what is left and stops (before Nest closes the database in its shutdown hooks).
   */
  async close(): Promise<void> {
    this.draining = true;
    clearInterval(this.offsetCommitTimer);
    await Promise.allSettled([...this.batchesInFlight]);
    await this.commitOffsets();
    await this.consumer?.disconnect();
    this.consumer = undefined;
    await this.relay.stop();
  }

  private async trackBatch(batch: Promise<void>): Promise<void> {
    this.batchesInFlight.add(batch);
    try {
      await batch;
    } finally {
      this.batchesInFlight.delete(batch);
    }
  }

  /**
   * Commits the offsets of records already committed to the database. A failure (a rebalance
   * took the partitions away) is not an error: whoever handles them next skips, through the
   * inbox, what this member had handled.
   */
  private async commitOffsets(): Promise<void> {
    if (!this.consumer || this.uncommitted.size === 0) return;
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (error) {
      this.logger.warn?.(
        { reason: String(error), partitions: offsets.length },
        'offset commit failed; the next owner re-reads those records and its inbox drops them',
      );
    }
  }

  /**
   * Nest chains the handlers of one event type and runs them concurrently (forkJoin). Here they
   * share the record's transaction, so they must run one after another, in registration order.
   */
  private sequenceHandlerChains(): void {
    for (const [pattern, head] of this.messageHandlers) {
      const chain: MessageHandler[] = [];
      for (let handler: MessageHandler | undefined = head; handler; handler = handler.next) {
        chain.push(handler);
      }
      if (chain.length < 2) continue;
      for (const handler of chain) handler.next = undefined;
      const sequential = Object.assign(
        async (data: unknown, context: unknown): Promise<void> => {
          for (const handler of chain) {
            const result: unknown = await handler(data, context);
            if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          }
        },
        { isEventHandler: true },
      ) as MessageHandler;
      this.messageHandlers.set(pattern, sequential);
    }
  }

  /** The records of one type go to one kind of handler: per event or batch, not both. */
  private refuseMixedHandlers(): void {
    for (const pattern of this.messageHandlers.keys()) {
      if (this.messageHandlers.has(batchPatternOf(pattern))) {
        throw new Error(`"${pattern}" has both @OnEvent and @OnEvents handlers; keep one kind`);
      }
    }
  }

  /** True while the consumer is a member of its group (readiness). */
  isJoined(): boolean {
    return this.joined;
  }

  on(): never {
    throw new Error('KafkaEventServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const isRunning = () => payload.isRunning();
    const topic = this.topics.logical(batch.topic);
    for (let start = 0; start < batch.messages.length; start += this.chunkSize) {
      if (this.draining || !isRunning() || payload.isStale()) return;
      const chunk = batch.messages
        .slice(start, start + this.chunkSize)
        .map((message) => this.inbound(topic, batch.partition, message));
      const handled = await this.handleChunk(chunk, heartbeat, isRunning);
      if (!handled) return;
      const lastOffset = chunk[chunk.length - 1].origin.offset;
      payload.resolveOffset(lastOffset);
      this.uncommitted.set(`${batch.topic}:${batch.partition}`, {
        topic: batch.topic,
        partition: batch.partition,
        offset: String(BigInt(lastOffset) + 1n),
      });
      this.metrics.consumerLag.set(
        { topic, partition: String(batch.partition) },
        Math.max(
          0,
          Number(batch.highWatermark) - Number(chunk[chunk.length - 1].origin.offset) - 1,
        ),
      );
      await heartbeat();
    }
    if (this.offsetCommitIntervalMs === 0) await this.commitOffsets();
  }

  private handlerOf(type: string): EventHandler | undefined {
    if (!this.handlers.has(type)) {
      const single = this.getHandlerByPattern(type);
      const batch = this.getHandlerByPattern(batchPatternOf(type));
      this.handlers.set(
        type,
        single
          ? { handle: single, batched: false }
          : batch
            ? { handle: batch, batched: true }
            : undefined,
      );
    }
    return this.handlers.get(type);
  }

  private inbound(topic: string, partition: number, message: KafkaMessage): InboundRecord {
    const origin: RecordOrigin = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      appendedAt: new Date(Number(message.timestamp)),
    };
    try {
      this.options.authenticate?.(origin, message);
      const decoded = decodeEvent(topic, message.value);
      return {
        origin,
        message,
        decoded,
        handler: this.handlerOf(decoded.contract.type),
      };
    } catch (error) {
      if (error instanceof DecodeError) return { origin, message, failure: error };
      throw error;
    }
  }

  /** Returns false when the consumer is stopping and the chunk was left for the next owner. */
  private async handleChunk(
    chunk: InboundRecord[],
    heartbeat: Heartbeat,
    isRunning: () => boolean,
  ): Promise<boolean> {
    const started = process.hrtime.bigint();
    try {
      await this.withRetries(() => this.commit(chunk), heartbeat, isRunning);
    } catch {
      if (!isRunning()) return false;
      // Find the culprit: one transaction per record, dead-lettering those that keep failing.
      for (const record of chunk) {
        try {
          await this.withRetries(() => this.commit([record]), heartbeat, isRunning);
        } catch (error) {
          if (!isRunning()) return false;
          const attempts = isTransient(error) ? this.maxAttempts : 1;
          await this.withRetries(
            () => this.commitDeadLetter(record, error, attempts),
            heartbeat,
            isRunning,
          );
        }
      }
    }
    this.metrics.batchSize.observe(chunk.length);
    this.metrics.batchDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return true;
  }

  private async commit(records: InboundRecord[]): Promise<void> {
    const outgoing: OutboxMessage[] = [];
    const counted: { type: string; topic: string; outcome: string }[] = [];
    await this.dataSource.transaction(async (manager) => {
      const toHandle = records.filter((record) => record.decoded && record.handler);
      const toDeadLetter = records.filter((record) => record.failure);
      const claimed = await this.claim(manager, [
        ...toHandle.map((record) => ({ key: record.decoded!.event.id, record })),
        ...toDeadLetter.map((record) => ({ key: deadLetterInboxKey(record.origin), record })),
      ]);
      const fresh: InboundRecord[] = [];
      for (const record of records) {
        if (record.failure) {
          if (claimed.delete(deadLetterInboxKey(record.origin))) {
            outgoing.push(this.deadLetterMessage(record, record.failure, 1));
          }
        } else if (record.decoded && record.handler) {
          if (claimed.delete(record.decoded.event.id)) {
            fresh.push(record);
          } else {
            counted.push({
              type: record.decoded.event.type,
              topic: record.origin.topic,
              outcome: 'duplicate',
            });
          }
        }
      }
      for (const run of runsOfOneHandler(fresh)) {
        const now = new Date();
        const items = run.map((record): BatchedEvent => ({
          event: record.decoded!.event,
          tx: new Transaction(
            manager,
            { source: this.options.source, cause: record.decoded!.event },
            now,
          ),
          record: record.origin,
        }));
        const handler = run[0].handler!;
        await this.invoke(
          handler,
          run[0].decoded!.event.type,
          run.length,
          handler.batched
            ? [new EventBatch(manager, now, items)]
            : [items[0].event, new EventContext(items[0].tx, items[0].record)],
        );
        for (const item of items) {
          outgoing.push(...item.tx.takeMessages());
          counted.push({ type: item.event.type, topic: item.record.topic, outcome: 'handled' });
        }
      }
      await writeOutbox(manager, outgoing);
    });
    if (outgoing.length > 0) this.relay.wake();
    for (const c of counted) this.metrics.eventsConsumed.inc(c);
  }

  private async commitDeadLetter(
    record: InboundRecord,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const claimed = await this.claim(manager, [
        { key: deadLetterInboxKey(record.origin), record },
      ]);
      if (claimed.size > 0)
        await writeOutbox(manager, [this.deadLetterMessage(record, error, attempts)]);
    });
    this.relay.wake();
  }

  /** Records the keys in the inbox; returns those not seen before (a set, to consume once each). */
  private async claim(
    manager: EntityManager,
    entries: { key: string; record: InboundRecord }[],
  ): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const rows: { event_id: string }[] = await manager.query(
      `INSERT INTO inbox_events (event_id, event_type, topic)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        entries.map((entry) => entry.key),
        entries.map((entry) => entry.record.decoded?.event.type ?? null),
        entries.map((entry) => entry.record.origin.topic),
      ],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  /** Calls a handler (per event, or with a batch of `count` events) and times it per event. */
  private async invoke(
    handler: EventHandler,
    type: string,
    count: number,
    args: [unknown, unknown?],
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const result: unknown = await handler.handle(...args);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    const perEvent = Number(process.hrtime.bigint() - started) / 1e9 / count;
    for (let i = 0; i < count; i++) this.metrics.handlerDuration.observe({ type }, perEvent);
  }

  private deadLetterMessage(
    record: InboundRecord,
    error: unknown,
    attempts: number,
  ): OutboxMessage {
    const code = error instanceof CodedError ? error.code : errorCodeOf(error);
    const reason = error instanceof Error ? error.message : String(error);
    this.metrics.deadLetters.inc({ code, topic: record.origin.topic });
    this.logger.warn?.(
      {
        correlationId: record.decoded?.event.correlationid,
        eventId: record.decoded?.event.id,
        eventType: record.decoded?.event.type,
        topic: record.origin.topic,
        partition: record.origin.partition,
        offset: record.origin.offset,
        code,
        reason,
      },
      'record dead-lettered',
    );
    const originalHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(record.message.headers ?? {})) {
      if (value !== undefined)
        originalHeaders[name] = String(Array.isArray(value) ? value[0] : value);
    }
    return {
      topic: deadLetterTopicOf(this.options.group),
      key: record.origin.key ?? '',
      payload: record.message.value ?? Buffer.alloc(0),
      eventType: record.decoded?.event.type ?? null,
      headers: {
        ...originalHeaders,
        [DeadLetterHeaders.Reason]: reason.slice(0, 2000),
        [DeadLetterHeaders.ErrorCode]: code,
        [DeadLetterHeaders.OriginTopic]: record.origin.topic,
        [DeadLetterHeaders.OriginPartition]: String(record.origin.partition),
        [DeadLetterHeaders.OriginOffset]: record.origin.offset,
        [DeadLetterHeaders.ConsumerGroup]: this.options.group,
        [DeadLetterHeaders.Attempts]: String(attempts),
        [DeadLetterHeaders.FailedAt]: new Date().toISOString(),
      },
    };
  }

  /**
   * Transient failures are retried with exponential backoff (heartbeating meanwhile): a lost
   * database or broker connection forever (it is nobody's message's fault), anything else up to
   * `maxAttempts`. Permanent failures are rethrown at once.
   */
  private async withRetries(
    work: () => Promise<void>,
    heartbeat: Heartbeat,
    isRunning: () => boolean,
  ): Promise<void> {
    let delayMs = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const infrastructure = isConnectionFailure(error);
        if (
          !isTransient(error) ||
          (!infrastructure && attempt >= this.maxAttempts) ||
          !isRunning()
        ) {
          throw error;
        }
        this.metrics.retries.inc();
        this.logger.warn?.(
          { attempt, delayMs, code: errorCodeOf(error), reason: String(error) },
          'transient failure, retrying',
        );
        await sleepWithHeartbeat(delayMs, heartbeat);
        delayMs = Math.min(delayMs * 2, 5000);
      }
    }
  }
}

/**
 * Splits the records to handle into calls, in order: a record with a per-event handler is a call
 * of its own; consecutive records of one type with a batch handler are one call.
 */
function runsOfOneHandler(records: InboundRecord[]): InboundRecord[][] {
  const runs: InboundRecord[][] = [];
  for (const record of records) {
    const last = runs[runs.length - 1];
    // One handler per event type (looked up once): the same handler means the same type.
    if (last && record.handler!.batched && last[0].handler === record.handler) {
      last.push(record);
    } else {
      runs.push([record]);
    }
  }
  return runs;
}

function deadLetterInboxKey(origin: RecordOrigin): string {
  return `dlq:${origin.topic}:${origin.partition}:${origin.offset}`;
}

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    (code.startsWith('08') || code.startsWith('57P') || code.startsWith('E'))
  ) {
    return true;
  }
  return (
    error instanceof Error && /Connection terminated|connection error|timeout/i.test(error.message)
  );
}

async function sleepWithHeartbeat(ms: number, heartbeat: Heartbeat): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  await heartbeat().catch(() => undefined);
}
