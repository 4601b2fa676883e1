import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

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

/**
 * The one shape of a service's periodic sweep (deadlines, expiries, schedules): extend it, give a
 * name and an interval in milliseconds, implement `sweep()`. It starts once the application has
 * booted and stops (waiting for the pass in hand) when the module is destroyed, before the
 * database and the messaging runtime close; a long sweep checks `stopping` to end early.
 */
export abstract class Sweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  protected constructor(name: string, everyMs: number) {
    this.task = new PeriodicTask(name, everyMs, () => this.sweep());
  }

  protected abstract sweep(): Promise<unknown>;

  protected get stopping(): boolean {
    return this.task.stopping;
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
