import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingOptions } from '../kafka/messaging.config';
import { MessagingMetrics } from '../metrics/messaging.metrics';

export const DEFAULT_INBOX_RETENTION_MS = 7 * 24 * 3600_000;
export const DEFAULT_INBOX_PRUNE_INTERVAL_MS = 10 * 60_000;
/** Rows per DELETE: short statements, so the pruner never holds many locks or a long transaction. */
const PRUNE_BATCH = 5000;

/**
 * Keeps the inbox (ids of handled events) for the replay horizon and no longer: at target load it
 * gains ~10^8 rows a day. Every instance prunes on a timer, oldest first, in bounded batches
 * (SKIP LOCKED: instances never wait for each other). A record redelivered within the horizon is
 * still dropped by the inbox; one older than it is handled again, and only the handlers' own
 * unique constraints stand in its way (README, "Inbox retention").
 */
export class InboxPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxPruner.name);
  private readonly retentionMs: number;
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    options: MessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    this.retentionMs = options.inboxRetentionMs ?? DEFAULT_INBOX_RETENTION_MS;
    this.intervalMs = options.inboxPruneIntervalMs ?? DEFAULT_INBOX_PRUNE_INTERVAL_MS;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0) this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => 0);
  }

  /** Deletes inbox rows handled before `now` minus the retention; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    let pruned = 0;
    while (!this.stopped) {
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM inbox_events WHERE event_id IN (
           SELECT event_id FROM inbox_events WHERE processed_at < $1
            ORDER BY processed_at LIMIT ${PRUNE_BATCH} FOR UPDATE SKIP LOCKED)`,
        [cutoff],
      );
      pruned += deleted;
      this.metrics.inboxPruned.inc(deleted);
      if (deleted < PRUNE_BATCH) break;
    }
    if (pruned > 0) this.logger.log({ pruned, cutoff }, 'inbox pruned past the replay horizon');
    return pruned;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.prune().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'inbox pruning failed; trying again at the next run');
        return 0;
      });
      void this.running.then(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }
}
