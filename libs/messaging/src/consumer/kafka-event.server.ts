import { contractOf, TopicName } from '@app/contracts';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import {
  DEFAULT_TRANSACTIONS_AT_ONCE,
  MessagingOptions,
  TopicNames,
} from '../kafka/messaging.config';
import { MessagingMetrics } from '../metrics/messaging.metrics';
import { OutboxRelay } from '../outbox/outbox.relay';
import { RetryPolicy, sleep } from '../retry/retry-policy';
import { ChunkControl, ChunkProcessor } from './chunk-processor';
import { DeadLetterBuilder } from './dead-letter';
import { EventHandler, RecordDecoder } from './inbound-record';
import { OffsetBook } from './offset-book';
import { batchPatternOf, BatchHandlerExtras, eventTypeOfPattern } from './on-event.decorator';
import { GroupCommit } from './group-commit';
import { OriginSeal } from './origin-seal';

/**
 * Partitions whose batches kafkajs hands over side by side: more than all the saga topics have
 * (8 of 6 partitions); beyond it, a partition's batch would wait for a free slot.
 */
const PARTITIONS_HANDED_OVER = 64;

/** Readiness of the consumer: why it cannot consume, if it cannot. */
export interface ConsumerReadiness {
  ready: boolean;
  reason?: string;
}

/**
 * The Kafka transport every service runs on (`app.connectMicroservice({ strategy })`): the Nest
 * glue around kafkajs. It subscribes to the topics of the service's handlers, hands each batch
 * chunk by chunk (decoded by RecordDecoder) to the GroupCommit, which commits the chunks of the
 * partitions handled side by side together through the ChunkProcessor, resolves offsets only
 * after a chunk's database commit and commits them through the OffsetBook, and says whether it
 * is still consuming (readiness).
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private readonly topics: TopicNames;
  private consumer?: Consumer;
  private joined = false;
  /** When the consumer last heard from the broker (a fetch, a heartbeat, a join). */
  private lastBrokerContact = 0;
  private readonly brokerSilenceMs: number;
  private readonly chunkSize: number;
  private readonly offsets = new OffsetBook();
  /** The chunks of the partitions handled side by side, committed together. */
  private readonly groups: GroupCommit;
  private readonly offsetCommitIntervalMs: number;
  private offsetCommitTimer?: NodeJS.Timeout;
  /** Set by close(): batches arriving from now on are left for the next owner. */
  private draining = false;
  private readonly batchesInFlight = new Set<Promise<void>>();
  /** Handler by event type, looked up once (Nest's lookup parses the pattern on every call). */
  private readonly handlers = new Map<string, EventHandler | undefined>();
  private readonly decoder: RecordDecoder;
  private readonly processor: ChunkProcessor;

  constructor(
    private readonly kafka: Kafka,
    dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly options: MessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    super();
    this.topics = new TopicNames(options.topicPrefix);
    this.chunkSize = options.chunkSize ?? 200;
    this.offsetCommitIntervalMs = options.offsetCommitIntervalMs ?? 1000;
    this.brokerSilenceMs = options.brokerSilenceMs ?? 5000;
    const seal = new OriginSeal(options.deadLetterSealSecret);
    this.decoder = new RecordDecoder(seal, options.authenticate, (type) => this.handlerOf(type));
    this.processor = new ChunkProcessor(
      dataSource,
      relay,
      options.source,
      new DeadLetterBuilder(options.group, seal),
      metrics,
      this.logger,
      new RetryPolicy(),
    );
    this.groups = new GroupCommit(
      (chunks) => this.processor.processTogether(chunks),
      this.chunkSize,
      options.transactionsAtOnce ?? DEFAULT_TRANSACTIONS_AT_ONCE,
    );
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
        minBytes: this.options.fetchMinBytes ?? 1,
        maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 1000,
        // A crashed member holds its partitions until its session expires: keep that short.
        sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: 1000,
      });
      this.consumer = consumer;
      this.watch(consumer);
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
        // Every partition's batch is handed over at once; the GroupCommit decides what shares a
        // transaction and how many run at once.
        partitionsConsumedConcurrently: PARTITIONS_HANDED_OVER,
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
   * Drains: the batch in hand finishes and commits (or, while it waits for the database or
   * broker to heal, gives up and is left for the next owner), offsets are committed, then the
   * relay publishes what is left and stops (before Nest closes the database in its shutdown hooks).
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

  /**
   * Ready while the consumer is in its group and hears from the broker: kafkajs fetches at
   * least every second when idle and heartbeats every second while a chunk is handled, so
   * `brokerSilenceMs` (5 s) without either means the broker is lost (or the consumer stuck).
   */
  readiness(): ConsumerReadiness {
    if (!this.joined) return { ready: false, reason: 'consumer not in its group' };
    if (!this.consumer) return { ready: true };
    const silentMs = Date.now() - this.lastBrokerContact;
    return silentMs > this.brokerSilenceMs
      ? { ready: false, reason: `consumer has not reached the broker for ${silentMs} ms` }
      : { ready: true };
  }

  on(): never {
    throw new Error('KafkaEventServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private watch(consumer: Consumer): void {
    const contact = () => (this.lastBrokerContact = Date.now());
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      contact();
      this.offsets.keepAssigned(payload.memberAssignment);
    });
    consumer.on(consumer.events.FETCH, contact);
    consumer.on(consumer.events.HEARTBEAT, contact);
    for (const left of [consumer.events.CRASH, consumer.events.STOP, consumer.events.DISCONNECT]) {
      consumer.on(left, () => (this.joined = false));
    }
  }

  private async trackBatch(batch: Promise<void>): Promise<void> {
    this.batchesInFlight.add(batch);
    try {
      await batch;
    } finally {
      this.batchesInFlight.delete(batch);
    }
  }

  private async commitOffsets(): Promise<void> {
    await this.offsets.commit(this.consumer, (error, partitions) => {
      this.logger.warn(
        { reason: String(error), partitions },
        'offset commit failed; the next owner re-reads those records and its inbox drops them',
      );
    });
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

  private handlerOf(type: string): EventHandler | undefined {
    if (!this.handlers.has(type)) {
      const single = this.getHandlerByPattern(type);
      const batch = this.getHandlerByPattern(batchPatternOf(type));
      this.handlers.set(
        type,
        single
          ? { handle: single, batched: false }
          : batch
            ? {
                handle: batch,
                batched: true,
                // A chain of handlers (sequenceHandlerChains) names none: it runs alone.
                batchHandler: (batch.extras as BatchHandlerExtras | undefined)?.batchHandler,
              }
            : undefined,
      );
    }
    return this.handlers.get(type);
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const topic = this.topics.logical(batch.topic);
    const control: ChunkControl = {
      shouldContinue: () => !this.draining && payload.isRunning() && !payload.isStale(),
      wait: async (ms) => {
        await sleep(ms);
        await payload.heartbeat().catch((error: unknown) => {
          // A rebalance takes the partition away: stop holding it. Anything else (the broker
          // is away too) does not stop the wait.
          if ((error as { type?: unknown }).type === 'REBALANCE_IN_PROGRESS') throw error;
        });
      },
    };
    for (let start = 0; start < batch.messages.length; start += this.chunkSize) {
      if (!control.shouldContinue()) return;
      const chunk = batch.messages
        .slice(start, start + this.chunkSize)
        .map((message) => this.decoder.decode(topic, batch.partition, message));
      const processed = await this.groups.handle(chunk, control);
      if (!processed) return;
      const lastOffset = chunk[chunk.length - 1].origin.offset;
      payload.resolveOffset(lastOffset);
      this.offsets.handled(batch.topic, batch.partition, lastOffset);
      this.metrics.consumerLag.set(
        { topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(lastOffset) - 1),
      );
      await payload.heartbeat();
    }
    if (this.offsetCommitIntervalMs === 0) await this.commitOffsets();
  }
}
