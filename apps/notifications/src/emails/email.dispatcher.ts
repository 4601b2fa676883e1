import { maskEmailsIn } from '@app/platform';
import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import { DataSource, EntitySubscriberInterface } from 'typeorm';
import { EMAIL_CLAIM_BATCH, NotificationsEnvironment } from '../notifications.config';
import {
  DeliverEmailsUsecase,
  NOTHING_RECORDING,
  RecordInProgress,
} from './deliver-emails.usecase';
import { NotificationEntity } from './notification.entity';
import { EMAILS_CLAIMED, EMAILS_QUEUED, NotificationRepository } from './notification.repository';
import { RecordSentEmailUsecase } from './record-sent-email.usecase';
import { SendingLedger } from './sending-ledger';

/** Between attempts to record, at shutdown, the emails sent while the database was away. */
const SHUTDOWN_RECORD_RETRY_MS = 250;

/**
 * How long a stopping process waits for its database to record what it sent (a restart of
 * PostgreSQL takes seconds): at most 20 s, and well within the lease it keeps renewing meanwhile.
 */
export function shutdownRecordWaitMs(leaseMs: number): number {
  return Math.min(20_000, Math.floor(leaseMs / 2));
}

const messageOf = (error: unknown): string =>
  maskEmailsIn(error instanceof Error ? error.message : String(error));

/**
 * Sends queued emails promptly: at once the messages a committed transaction queued and claimed for
 * this process (see EMAILS_CLAIMED), and, woken after a commit that queued some it did not claim
 * (EMAILS_QUEUED) and on a periodic sweep (retries, reminders falling due, rows of a crashed
 * sender), those it claims from the queue. Each drain first records the emails sent but not yet
 * recorded (the database was unavailable), then sends. Meanwhile the leases of the messages this
 * process holds are renewed every third of EMAIL_CLAIM_TIMEOUT_MS, so no other sender takes over a
 * message that waits, is being sent or waits to be recorded.
 */
@Injectable()
export class EmailDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailDispatcher.name);
  private timer?: NodeJS.Timeout;
  private leaseTimer?: NodeJS.Timeout;
  /** A claim's wait for others to join it. */
  private wakeTimer?: NodeJS.Timeout;
  /** The turn of messages handed over: next in this turn of the event loop, no timer. */
  private wakeImmediate?: NodeJS.Immediate;
  private running?: Promise<void>;
  private again = false;
  /** Something may be due in the queue that no claim of this process holds: claim it. */
  private claimWanted = false;
  private stopped = false;
  /**
   * The last record of the emails sent, maybe still in progress: the next batch is sent meanwhile
   * (see DeliverEmailsUsecase), from this drain or the next.
   */
  private lastRecord: RecordInProgress = NOTHING_RECORDING;

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly deliver: DeliverEmailsUsecase,
    private readonly recordSent: RecordSentEmailUsecase,
    private readonly ledger: SendingLedger,
    private readonly env: NotificationsEnvironment,
  ) {}

  onApplicationBootstrap(): void {
    // Woken by the commits that queued emails, not by every commit (the relay's, its own).
    const wakeAfterCommit: EntitySubscriberInterface = {
      afterTransactionCommit: ({ queryRunner }) => {
        const data = queryRunner.data as Record<string, unknown>;
        const claimed = data[EMAILS_CLAIMED] as NotificationEntity[] | undefined;
        if (claimed?.length) {
          data[EMAILS_CLAIMED] = [];
          this.ledger.handOver(claimed);
          this.wake({ claim: false });
        }
        if (!data[EMAILS_QUEUED]) return;
        data[EMAILS_QUEUED] = false;
        this.wake();
      },
    };
    this.dataSource.subscribers.push(wakeAfterCommit);
    this.timer = setInterval(() => this.wake(), this.env.EMAIL_SWEEP_MS);
    this.leaseTimer = setInterval(
      () => void this.renewLeases(),
      Math.floor(this.env.EMAIL_CLAIM_TIMEOUT_MS / 3),
    );
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    clearImmediate(this.wakeImmediate);
    await this.running;
    this.lastRecord.close?.();
    await this.lastRecord.done;
    // Handed over and not sent: due again at once for any sender.
    await this.deliver.giveBack(
      this.ledger.takeHandedOver(Infinity).map((n) => this.ledger.claimOf(n)),
    );
    // What was sent and not recorded (the database is away) is recorded if the database comes
    // back within a bounded wait (its leases still renewed); what still is not will be sent again.
    const deadline = Date.now() + shutdownRecordWaitMs(this.env.EMAIL_CLAIM_TIMEOUT_MS);
    let left = await this.recordUnrecorded();
    if (left > 0) this.logger.warn({ emails: left }, 'stopping: waiting to record sent emails');
    while (left > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_RECORD_RETRY_MS));
      left = await this.recordUnrecorded();
    }
    clearInterval(this.leaseTimer);
    if (left > 0) {
      this.logger.error({ emails: left }, 'emails sent but not recorded at shutdown');
    }
  }

  /**
   * Coalesces wake-ups: one drain at a time, another right after if woken meanwhile. A wake-up to
   * claim waits 10 ms for others to join its claim; one for messages handed over (claimed already)
   * does not wait: its drain starts once the code running now is done (setImmediate; a timer of
   * 0 ms is one of 1 ms, and a wake-up of its own when the process is otherwise idle).
   */
  wake({ claim = true }: { claim?: boolean } = {}): void {
    if (this.stopped) return;
    if (claim) this.claimWanted = true;
    if (this.running) {
      this.again = true;
      return;
    }
    if (claim) this.wakeTimer ??= setTimeout(() => this.startDrain(), 10);
    else this.wakeImmediate ??= setImmediate(() => this.startDrain());
  }

  private startDrain(): void {
    clearTimeout(this.wakeTimer);
    clearImmediate(this.wakeImmediate);
    this.wakeTimer = this.wakeImmediate = undefined;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      // Woken after the drain's last look (a commit's hand-over in between).
      if (this.again) this.wake({ claim: false });
    });
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        // Sent and not recorded (the database was away): nothing more is sent until they are.
        if ((await this.recordUnrecorded()) > 0) return;
        // What was handed over and what waits in the queue take turns, a batch each: under a
        // backlog, commits keep handing messages over, and those queued unclaimed (no room to
        // claim them then) would otherwise wait until they stop.
        for (;;) {
          if (this.stopped) return;
          const handed = this.ledger.takeHandedOver();
          if (handed.length > 0 && !(await this.send(handed))) return;
          const claimed = this.claimWanted ? await this.claimDue() : [];
          if (claimed.length > 0 && !(await this.send(claimed))) return;
          if (handed.length === 0 && claimed.length === 0) break;
        }
      } catch (error) {
        // The database is unavailable: the next sweep tries again.
        this.claimWanted = true;
        this.logger.warn(`email dispatch interrupted: ${messageOf(error)}`);
        return;
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Claims a batch of due messages. Fewer than a batch: none was left due then (what is queued
   * since wakes this dispatcher, `again`; what falls due later, the sweep). A whole batch: more
   * may be due, claimed at the next turn.
   */
  private async claimDue(): Promise<NotificationEntity[]> {
    this.claimWanted = false;
    const claimed = await this.notifications.claimDue(this.dataSource.manager, {
      owner: this.ledger.owner,
      now: new Date(),
      leaseMs: this.env.EMAIL_CLAIM_TIMEOUT_MS,
      limit: EMAIL_CLAIM_BATCH,
      excluding: this.ledger.unrecordedIds(),
    });
    if (claimed.length === EMAIL_CLAIM_BATCH) this.claimWanted = true;
    return claimed;
  }

  /**
   * Sends a batch while the last record before it is in progress; false when a record failed (its
   * emails are kept to be recorded later, and nothing more is sent until they are).
   */
  private async send(batch: NotificationEntity[]): Promise<boolean> {
    try {
      this.lastRecord = await this.deliver.execute(batch, () => !this.stopped, this.lastRecord);
    } catch (error) {
      // The record in progress ended before the throw.
      this.lastRecord = NOTHING_RECORDING;
      throw error;
    }
    return this.ledger.unrecordedIds().length === 0;
  }

  /**
   * Records the emails sent but not yet recorded (the next sweep tries again those that still
   * fail); returns how many are left.
   */
  private async recordUnrecorded(): Promise<number> {
    if (this.ledger.unrecordedIds().length === 0) return 0;
    // A failed record in progress adds its emails to them; none is recorded twice at once. Ended,
    // its failure is theirs now: once they are recorded, sending resumes.
    this.lastRecord.close?.();
    await this.lastRecord.done;
    this.lastRecord = NOTHING_RECORDING;
    const unrecorded = this.ledger.unrecordedEmails();
    if (unrecorded.length === 0) return 0;
    let failure: unknown;
    try {
      await this.recordSent.execute(unrecorded);
      for (const email of unrecorded) this.ledger.recorded(email.notification.id);
    } catch {
      // One at a time, so that one that cannot be recorded does not hold the others back.
      for (const email of unrecorded) {
        try {
          await this.recordSent.execute([email]);
          this.ledger.recorded(email.notification.id);
        } catch (error) {
          failure = error;
        }
      }
    }
    const left = this.ledger.unrecordedIds().length;
    if (left > 0) {
      this.logger.warn({ emails: left }, `sent emails still not recorded: ${messageOf(failure)}`);
    }
    return left;
  }

  private async renewLeases(): Promise<void> {
    const held = this.ledger.heldIds();
    if (held.length === 0) return;
    try {
      await this.notifications.renewLeases(
        this.dataSource.manager,
        this.ledger.owner,
        held,
        new Date(Date.now() + this.env.EMAIL_CLAIM_TIMEOUT_MS),
      );
    } catch (error) {
      this.logger.warn(`email leases not renewed: ${messageOf(error)}`);
    }
  }
}
