import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import { DataSource, EntitySubscriberInterface } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { DeliverEmailsUsecase } from './deliver-emails.usecase';
import { NotificationRepository } from './notification.repository';

const BATCH = 20;

/**
 * Sends queued emails promptly: woken after every database commit (a handler may just have
 * queued one) and on a periodic sweep (retries, reminders falling due, rows of a crashed sender).
 */
@Injectable()
export class EmailDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailDispatcher.name);
  private timer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly deliver: DeliverEmailsUsecase,
    private readonly env: NotificationsEnvironment,
  ) {}

  onApplicationBootstrap(): void {
    const wakeAfterCommit: EntitySubscriberInterface = {
      afterTransactionCommit: () => this.wake(),
    };
    this.dataSource.subscribers.push(wakeAfterCommit);
    this.timer = setInterval(() => this.wake(), this.env.EMAIL_SWEEP_MS);
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    await this.running;
  }

  /** Coalesces wake-ups: one drain at a time, another right after if woken meanwhile. */
  wake(): void {
    if (this.stopped || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.drain().finally(() => (this.running = undefined));
    }, 10);
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        for (;;) {
          if (this.stopped) return;
          const claimed = await this.notifications.claimDue(
            this.dataSource.manager,
            new Date(),
            this.env.EMAIL_CLAIM_TIMEOUT_MS,
            BATCH,
          );
          if (claimed.length === 0) break;
          await this.deliver.execute(claimed);
        }
      } catch (error) {
        // The database is unavailable: the next sweep tries again.
        this.logger.warn(
          `email dispatch interrupted: ${error instanceof Error ? error.message : String(error)}`,
        );
        return;
      }
    } while (this.again && !this.stopped);
  }
}
