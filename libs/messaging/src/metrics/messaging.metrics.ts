import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the runtime counts; each service exposes it on /metrics. */
export class MessagingMetrics {
  readonly registry = new Registry();

  readonly eventsConsumed = new Counter({
    name: 'messaging_events_consumed_total',
    help: 'Events handled (committed), by type and topic; duplicates counted separately',
    labelNames: ['type', 'topic', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly eventsProduced = new Counter({
    name: 'messaging_events_produced_total',
    help: 'Records published by the outbox relay, by event type and topic',
    labelNames: ['type', 'topic'] as const,
    registers: [this.registry],
  });

  readonly handlerDuration = new Histogram({
    name: 'messaging_handler_duration_seconds',
    help: 'Time spent in a handler, by event type',
    labelNames: ['type'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'messaging_batch_size',
    help: 'Records per database transaction of the consumer',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

  readonly batchDuration = new Histogram({
    name: 'messaging_batch_duration_seconds',
    help: 'Time to handle and commit one chunk of records',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'messaging_dead_letters_total',
    help: 'Records sent to the dead-letter topic, by error code',
    labelNames: ['code', 'topic'] as const,
    registers: [this.registry],
  });

  readonly deadLettersSkipped = new Counter({
    name: 'messaging_dead_letters_skipped_total',
    help: 'Records not dead-lettered again because the same record was before (a redelivery)',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly deadLetterFailures = new Counter({
    name: 'messaging_dead_letter_failures_total',
    help: 'Failed attempts to write a dead letter (the partition is held until one succeeds)',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  readonly deadLetterStalledPartitions = new Gauge({
    name: 'messaging_dead_letter_stalled_partitions',
    help: 'Partitions held because a dead letter cannot be written',
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'messaging_retries_total',
    help: 'Failures retried with backoff (infrastructure, conflicts, TransientError)',
    registers: [this.registry],
  });

  readonly outboxBacklog = new Gauge({
    name: 'messaging_outbox_backlog',
    help: 'Outbox rows waiting for the relay at its last look',
    registers: [this.registry],
  });

  readonly outboxOldestAge = new Gauge({
    name: 'messaging_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox row waiting for the relay at its last look (0 when empty)',
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: 'messaging_consumer_lag',
    help: 'Records behind the high watermark at the last batch, by topic and partition',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  // --- outbox parking and inbox retention (issue 7) ---

  readonly outboxParked = new Counter({
    name: 'messaging_outbox_parked_total',
    help: 'Outbox rows the broker can never take, moved to outbox_parked, by topic and reason',
    labelNames: ['topic', 'reason'] as const,
    registers: [this.registry],
  });

  readonly outboxParkedRows = new Gauge({
    name: 'messaging_outbox_parked_rows',
    help: 'Rows in outbox_parked at the last look (every ~30 s): each needs a decision by ops',
    registers: [this.registry],
  });

  readonly inboxPruned = new Counter({
    name: 'messaging_inbox_pruned_total',
    help: 'Inbox rows deleted because they are older than the replay horizon (INBOX_RETENTION)',
    registers: [this.registry],
  });
}
