import { LoggerService } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { classifyFailure, CodedError, errorCodeOf } from '../errors';
import { MessagingMetrics } from '../metrics/messaging.metrics';
import { OutboxMessage } from '../outbox/outbox-message';
import { OutboxRelay } from '../outbox/outbox.relay';
import { outboxWrite } from '../outbox/outbox.writer';
import { pipelinedTransaction } from '../persistence/pipelined-transaction';
import { RetryHooks, RetryPolicy } from '../retry/retry-policy';
import { Transaction } from '../transaction/transaction';
import { deadLetterInboxKey, DeadLetterBuilder } from './dead-letter';
import { BatchedEvent, EventBatch, EventContext } from './event-context';
import { PendingChunk } from './group-commit';
import { claimInbox, InboxEntry } from './inbox';
import { EventHandler, InboundRecord } from './inbound-record';

/** What the consumer lends a chunk while it is handled. */
export interface ChunkControl {
  /** False once the partition is no longer ours (rebalance, shutdown): stop, commit nothing more. */
  shouldContinue: () => boolean;
  /** Waits between retries, heartbeating so the group keeps the partition with us. */
  wait: (ms: number) => Promise<void>;
}

/**
 * Handles the records of one chunk: one database transaction holds the inbox entries (event ids
 * already seen are skipped), every handler's effects and every outgoing event (outbox), so a
 * chunk is applied entirely or not at all.
 *
 * Failures, as `classifyFailure` decides: one that is nobody's record's fault (database or broker
 * down or overloaded, lock and serialization conflicts, a handler's TransientError) is retried
 * with the runtime's backoff until it heals, holding the partition and never dead-lettering; a
 * permanent one makes the chunk's records be retried one per transaction to find the culprit,
 * which is dead-lettered at once while the others go on.
 */
export class ChunkProcessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly source: string,
    private readonly deadLetters: DeadLetterBuilder,
    private readonly metrics: MessagingMetrics,
    private readonly logger: LoggerService,
    private readonly retryPolicy: RetryPolicy,
  ) {}

  /** Returns false when the partition was taken away and the chunk is left for the next owner. */
  async process(chunk: InboundRecord[], control: ChunkControl): Promise<boolean> {
    const started = process.hrtime.bigint();
    const retrying = this.retryHooks(control);
    try {
      await this.retryPolicy.run(() => this.commit(chunk), retrying);
    } catch {
      if (!control.shouldContinue()) return false;
      for (const record of chunk) {
        try {
          await this.retryPolicy.run(() => this.commit([record], true), retrying);
        } catch (error) {
          if (!control.shouldContinue()) return false;
          if (!(await this.deadLetter(record, record.failure ?? error, control))) return false;
        }
      }
    }
    this.observeTransaction(chunk.length, started);
    return true;
  }

  /**
   * Handles chunks of several partitions in one transaction (see GroupCommit): one outcome per
   * chunk, in their order. A chunk whose partition was taken away meanwhile is left out (false).
   * If the shared transaction cannot commit (a record no handler can take, or a partition taken
   * away during the retries of a transient failure), each chunk is handled on its own, as
   * `process` does: the culprit is found and dead-lettered there, and nothing of the shared
   * attempt was committed.
   */
  async processTogether(chunks: PendingChunk[]): Promise<boolean[]> {
    const live = chunks.filter((chunk) => chunk.control.shouldContinue());
    if (live.length === 0) return chunks.map(() => false);
    if (live.length === 1) {
      const processed = await this.process(live[0].records, live[0].control);
      return chunks.map((chunk) => chunk === live[0] && processed);
    }
    const started = process.hrtime.bigint();
    const records = live.flatMap((chunk) => chunk.records);
    const control: ChunkControl = {
      shouldContinue: () => live.every((chunk) => chunk.control.shouldContinue()),
      // Heartbeats are the consumer's, whichever partition asks for them.
      wait: live[0].control.wait,
    };
    try {
      await this.retryPolicy.run(() => this.commit(records), this.retryHooks(control));
    } catch {
      const outcomes: boolean[] = [];
      for (const chunk of chunks) {
        const ours = live.includes(chunk) && chunk.control.shouldContinue();
        outcomes.push(ours && (await this.process(chunk.records, chunk.control)));
      }
      return outcomes;
    }
    this.observeTransaction(records.length, started);
    return chunks.map((chunk) => live.includes(chunk));
  }

  private observeTransaction(records: number, started: bigint): void {
    this.metrics.batchSize.observe(records);
    this.metrics.batchDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }

  private retryHooks(control: ChunkControl): RetryHooks {
    return {
      shouldContinue: control.shouldContinue,
      wait: control.wait,
      onRetry: (error, attempt, delayMs) => this.retrying(error, attempt, delayMs),
    };
  }

  private retrying(error: unknown, attempt: number, delayMs: number): void {
    this.metrics.retries.inc();
    this.logger.warn(
      { attempt, delayMs, code: errorCodeOf(error), reason: String(error) },
      'transient failure, retrying',
    );
  }

  /** `retriedAlone`: the record is retried alone after its chunk failed for good (Transaction). */
  private async commit(records: InboundRecord[], retriedAlone = false): Promise<void> {
    // Events of the topic that no handler here takes (most of a shared topic, for some groups):
    // no transaction and no inbox row for a chunk made only of those.
    if (!records.some((record) => record.failure || (record.decoded && record.handler))) return;
    const outgoing: OutboxMessage[] = [];
    const counted: { type: string; topic: string; outcome: string }[] = [];
    const deadLettered: InboundRecord[] = [];
    const publication = this.relay.publication();
    await pipelinedTransaction(
      this.dataSource,
      async (manager) => {
        const toHandle = records.filter((record) => record.decoded && record.handler);
        const toDeadLetter = records
          .filter((record) => record.failure)
          .map((record) => ({ record, key: inboxKeyOfDeadLetter(record) }));
        const claimed = await claimInbox(manager, [
          ...toHandle.map((record): InboxEntry => ({
            key: record.decoded!.event.id,
            eventType: record.decoded!.event.type,
            topic: record.origin.topic,
          })),
          ...toDeadLetter.map(({ record, key }): InboxEntry => inboxEntryOfDeadLetter(record, key)),
        ]);
        const fresh: InboundRecord[] = [];
        const deadLetterKeys = new Map(toDeadLetter.map(({ record, key }) => [record, key]));
        for (const record of records) {
          if (record.failure) {
            if (claimed.delete(deadLetterKeys.get(record)!)) {
              outgoing.push(this.deadLetterOf(record, record.failure, 1));
              deadLettered.push(record);
            } else {
              this.skippedDeadLetter(record);
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
              { source: this.source, cause: record.decoded!.event },
              now,
              retriedAlone,
            ),
            record: record.origin,
          }));
          const handler = run[0].handler!;
          await this.invoke(
            handler,
            items.map((item) => item.event.type),
            handler.batched
              ? [new EventBatch(manager, now, items)]
              : [items[0].event, new EventContext(items[0].tx, items[0].record)],
          );
          for (const item of items) {
            outgoing.push(...item.tx.takeMessages());
            counted.push({ type: item.event.type, topic: item.record.topic, outcome: 'handled' });
          }
        }
      },
      () => outboxWrite(outgoing),
      publication.followOn,
    );
    if (outgoing.length > 0) publication.wake();
    for (const c of counted) this.metrics.eventsConsumed.inc(c);
    for (const record of deadLettered) this.deadLettered(record, record.failure!);
  }

  /**
   * Dead-letters one record in a transaction of its own. Built from raw bytes, a dead letter has
   * nothing PostgreSQL can refuse; if writing it fails anyway (a bug, a full disk), skipping the
   * record would lose it, so the partition is held and the write retried with backoff, every
   * failure logged at error level and counted (messaging_dead_letter_failures_total) with the
   * partition shown in messaging_dead_letter_stalled_partitions, until it succeeds or the
   * partition is taken away. Returns false in that last case.
   */
  private async deadLetter(
    record: InboundRecord,
    cause: unknown,
    control: ChunkControl,
  ): Promise<boolean> {
    const key = inboxKeyOfDeadLetter(record);
    const labels = { topic: record.origin.topic, partition: String(record.origin.partition) };
    let stalled = false;
    try {
      await this.retryPolicy.run(
        async () => {
          let written = false;
          const publication = this.relay.publication();
          await pipelinedTransaction(
            this.dataSource,
            async (manager) => {
              const claimed = await claimInbox(manager, [inboxEntryOfDeadLetter(record, key)]);
              written = claimed.size > 0;
            },
            () => (written ? outboxWrite([this.deadLetterOf(record, cause, 1)]) : undefined),
            publication.followOn,
          );
          if (written) {
            publication.wake();
            this.deadLettered(record, cause);
          } else {
            this.skippedDeadLetter(record);
          }
        },
        {
          ...this.retryHooks(control),
          retryAll: true,
          onRetry: (error, attempt, delayMs) => {
            if (classifyFailure(error) === 'retry') {
              this.retrying(error, attempt, delayMs);
              return;
            }
            if (!stalled) this.metrics.deadLetterStalledPartitions.inc();
            stalled = true;
            this.metrics.deadLetterFailures.inc(labels);
            this.logger.error(
              {
                ...labels,
                offset: record.origin.offset,
                attempt,
                delayMs,
                code: errorCodeOf(error),
                reason: String(error),
              },
              'dead letter could not be written; partition held until it can',
            );
          },
        },
      );
      return true;
    } catch {
      return false;
    } finally {
      if (stalled) this.metrics.deadLetterStalledPartitions.dec();
    }
  }

  private deadLetterOf(record: InboundRecord, error: unknown, attempts: number): OutboxMessage {
    return this.deadLetters.build(
      record.origin,
      record.message,
      { code: codeOf(error), reason: reasonOf(error), attempts },
      record.decoded?.event.type ?? null,
    );
  }

  /** Counted and logged once the dead letter is committed. */
  private deadLettered(record: InboundRecord, error: unknown): void {
    const code = codeOf(error);
    this.metrics.deadLetters.inc({ code, topic: record.origin.topic });
    this.logger.warn(
      {
        correlationId: record.decoded?.event.correlationid,
        eventId: record.decoded?.event.id,
        eventType: record.decoded?.event.type,
        topic: record.origin.topic,
        partition: record.origin.partition,
        offset: record.origin.offset,
        code,
        reason: reasonOf(error),
      },
      'record dead-lettered',
    );
  }

  /** The same record was dead-lettered before (a redelivery): nothing to do, but not silently. */
  private skippedDeadLetter(record: InboundRecord): void {
    this.metrics.deadLettersSkipped.inc({ topic: record.origin.topic });
    this.logger.debug?.(
      {
        topic: record.origin.topic,
        partition: record.origin.partition,
        offset: record.origin.offset,
      },
      'record dead-lettered before (redelivered): skipped',
    );
  }

  /** Calls a handler with the events of `types`, each timed at its share of the call. */
  private async invoke(
    handler: EventHandler,
    types: string[],
    args: [unknown, unknown?],
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const result: unknown = await handler.handle(...args);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    const perEvent = Number(process.hrtime.bigint() - started) / 1e9 / types.length;
    for (const type of types) this.metrics.handlerDuration.observe({ type }, perEvent);
  }
}

function codeOf(error: unknown): string {
  return error instanceof CodedError ? error.code : errorCodeOf(error);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function inboxKeyOfDeadLetter(record: InboundRecord): string {
  return deadLetterInboxKey(record.origin.topic, record.origin.partition, record.message);
}

function inboxEntryOfDeadLetter(record: InboundRecord, key: string): InboxEntry {
  return { key, eventType: record.decoded?.event.type ?? null, topic: record.origin.topic };
}

/**
 * Splits the records to handle into calls, in order: a record with a per-event handler is a call
 * of its own; consecutive records with one batch handler (of their type, or of several types
 * with theirs) are one call.
 */
export function runsOfOneHandler(records: InboundRecord[]): InboundRecord[][] {
  const runs: InboundRecord[][] = [];
  for (const record of records) {
    const last = runs[runs.length - 1];
    if (last && record.handler!.batched && sameBatchHandler(last[0].handler!, record.handler!)) {
      last.push(record);
    } else {
      runs.push([record]);
    }
  }
  return runs;
}

/** One handler per event type (looked up once); a batch handler of several types names itself. */
function sameBatchHandler(a: EventHandler, b: EventHandler): boolean {
  return a === b || (a.batchHandler !== undefined && a.batchHandler === b.batchHandler);
}
