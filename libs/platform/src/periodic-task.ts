import { Logger } from '@nestjs/common';

/**
 * The clock of a durable deadline: runs `work` every `everyMs`, never two passes at once; a pass
 * that fails is logged and the next tick tries again; `stop()` waits for the pass in hand. The
 * schedule itself lives in the database rows the work reads, so nothing is lost on a restart.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    name: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
  ) {
    this.logger = new Logger(name);
  }

  /** True once the service is shutting down: a long pass should end early. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.next();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private next(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.work()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn({ reason: String(error) }, 'periodic pass failed; next tick retries'),
        )
        .finally(() => {
          this.running = undefined;
          this.next();
        });
    }, this.everyMs);
    this.timer.unref();
  }
}
