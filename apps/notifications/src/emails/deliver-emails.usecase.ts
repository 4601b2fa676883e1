import { maskEmailsIn } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EMAIL_CLAIM_BATCH, NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { statusPageUrl } from '../timeline/status-page.token';
import { renderEmail } from './email.templates';
import { NotificationEntity } from './notification.entity';
import { EmailClaim, NotificationRepository } from './notification.repository';
import { RecordSentEmailUsecase } from './record-sent-email.usecase';
import { retryDelayMs } from './retry-policy';
import { inSendingOrder } from './send-order';
import { SendingLedger, SentEmail } from './sending-ledger';
import { isPermanentSmtpFailure, SmtpMailer } from './smtp.mailer';

/** The record in progress of the emails one batch sent, handed to the next (see execute). */
export interface RecordInProgress {
  /** Resolves when it ended: false if it failed (its emails are kept to be recorded later). */
  done: Promise<boolean>;
  /** The emails it holds: they count against EMAIL_WAVE_SIZE until it ends. */
  readonly emails: number;
  /** While it waits to be written (EMAIL_RECORD_LINGER_MS): takes these emails too (true). */
  join?(emails: SentEmail[]): boolean;
  /** Writes it now if it still waits. */
  close?(): void;
}

export const NOTHING_RECORDING: RecordInProgress = { done: Promise.resolve(true), emails: 0 };

/**
 * Sends a batch of claimed emails over the pooled SMTP connections, side by side (one order's one
 * after the other), and records the emails the SMTP server accepted (marked SENT and their
 * CustomerNotified published) in one transaction at a time, each taking every email answered
 * since the one before began, while more are sent. A record waits EMAIL_RECORD_LINGER_MS before it
 * is written, taking the emails answered meanwhile (so, at a few emails a second, one transaction
 * and one CustomerNotified produce request for several), unless the bound below is reached or
 * sending stops; the SMTP answer, not the record, is what the customer waits for. At most
 * EMAIL_WAVE_SIZE emails are ever sent and not yet recorded (in flight, answered, or in the record
 * in progress): an email goes out only when there is room among them, and one failure never has
 * another message sent again. The record
 * in progress when a batch has sent its last email is handed to the next batch, which sends
 * meanwhile within the same bound. Messages handed over while a batch is being sent (claimed by
 * the commits that queued them) join it when there is room, up to EMAIL_CLAIM_BATCH in all: they
 * do not wait for the batch's last SMTP answer. When a record cannot be written (the database is
 * unavailable), its emails, and those answered meanwhile, are kept in the ledger, their leases
 * renewed, and recorded when the database answers again; nothing more is sent. Only a process
 * killed between the SMTP answers and the record sends messages twice (at most EMAIL_WAVE_SIZE,
 * after their lease ran out, with the same Message-ID).
 */
@Injectable()
export class DeliverEmailsUsecase {
  private readonly logger = new Logger(DeliverEmailsUsecase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly mailer: SmtpMailer,
    private readonly ledger: SendingLedger,
    private readonly recordSent: RecordSentEmailUsecase,
    private readonly env: NotificationsEnvironment,
    private readonly metrics: NotificationsMetrics,
  ) {}

  /**
   * `shouldContinue`: false once the process is stopping; the messages not sent yet are given
   * back to the queue. So are they when a record fails (the database is away): nothing more is
   * sent until it answers.
   *
   * `before`: the record in progress of the batch before (the one this call returned), whose
   * emails count against the bound until it ends. Returns this batch's last record, maybe still
   * in progress, for the next batch; when this call throws, that record has ended.
   */
  async execute(
    claimed: NotificationEntity[],
    shouldContinue: () => boolean = () => true,
    before: RecordInProgress = NOTHING_RECORDING,
  ): Promise<RecordInProgress> {
    // Held (their leases renewed) from now on: a message may wait behind its order's others.
    const claims = new Map(claimed.map((n) => [n.id, this.ledger.startSending(n)]));
    const unsent = new Set(claims.keys());
    /** Messages this batch may still take in from those handed over while it is sent. */
    let roomToJoin = EMAIL_CLAIM_BATCH - claimed.length;
    let record = before;
    let recording = true;
    /** A record failed: nothing more is sent, and what is answered is kept, not recorded. */
    let recordFailed = false;
    /** A send whose retry could not be scheduled (the database is away): nothing more is sent. */
    let failure: { reason: unknown } | undefined;
    let inFlight = 0;
    const answered: SentEmail[] = [];
    const ordersInFlight = new Set<string>();
    let changed: () => void = () => undefined;
    const follow = (current: RecordInProgress) =>
      void current.done.then((recorded) => {
        if (!recorded) recordFailed = true;
        recording = false;
        changed();
      });
    follow(record);
    this.ledger.onHandOver(() => changed());
    try {
      // Orders side by side; one order's messages one after the other, in saga order (an order's
      // next message goes once the SMTP server answered for the one before).
      let queues = inSendingOrder(claimed);
      /** Takes in messages handed over meanwhile, behind their orders' messages not yet sent. */
      const join = (): void => {
        const joining = this.ledger.takeHandedOver(roomToJoin);
        roomToJoin -= joining.length;
        for (const n of joining) {
          claims.set(n.id, this.ledger.startSending(n));
          unsent.add(n.id);
        }
        queues = inSendingOrder([...queues.flat(), ...joining]);
      };
      const nextToSend = (): NotificationEntity | undefined => {
        const at = queues.findIndex((queue) => !ordersInFlight.has(queue[0].orderId));
        if (at < 0) return undefined;
        const notification = queues[at].shift()!;
        if (queues[at].length === 0) queues.splice(at, 1);
        return notification;
      };
      const sending = () => !recordFailed && !failure && shouldContinue();
      const held = () => inFlight + answered.length + (recording ? record.emails : 0);
      for (;;) {
        while (sending() && held() < this.env.EMAIL_WAVE_SIZE) {
          let notification = nextToSend();
          if (!notification && roomToJoin > 0 && this.ledger.hasHandedOver()) {
            join();
            notification = nextToSend();
          }
          if (!notification) break;
          inFlight++;
          ordersInFlight.add(notification.orderId);
          unsent.delete(notification.id);
          const timer = this.metrics.emailDelivery.startTimer({ phase: 'send' });
          void this.deliver(notification, claims.get(notification.id)!)
            .then(
              (sent) => {
                if (sent) answered.push(sent);
                // Not accepted (its retry scheduled, or given up): no longer being sent.
                else this.ledger.doneSending(notification.id);
              },
              (reason: unknown) => {
                failure ??= { reason };
                this.ledger.doneSending(notification.id);
              },
            )
            .finally(() => {
              timer();
              inFlight--;
              ordersInFlight.delete(notification.orderId);
              changed();
            });
        }
        if (answered.length > 0 && recording && record.join?.(answered)) answered.splice(0);
        if (!recording && answered.length > 0) {
          const group = answered.splice(0);
          record = recordFailed
            ? { done: this.keep(group), emails: group.length }
            : this.openRecord(group);
          recording = true;
          follow(record);
          continue;
        }
        // A record waits for more answers only while emails go out with room to spare.
        if (recording && (!sending() || held() >= this.env.EMAIL_WAVE_SIZE)) record.close?.();
        if (inFlight === 0 && answered.length === 0 && !(sending() && queues.length > 0)) break;
        await new Promise<void>((resolve) => (changed = resolve));
      }
      if (failure) throw failure.reason;
    } catch (error) {
      // The record in progress ends first (recordGroup and keep never reject).
      record.close?.();
      await record.done;
      throw error;
    } finally {
      this.ledger.onHandOver(undefined);
      await this.giveBack([...unsent].map((id) => claims.get(id)!));
      // Those sent are no longer being sent once answered, or recorded (or kept).
      for (const id of unsent) this.ledger.doneSending(id);
    }
    return record;
  }

  /**
   * A record of accepted emails that waits EMAIL_RECORD_LINGER_MS (or until closed) for others to
   * join it, then is written (recordGroup).
   */
  private openRecord(group: SentEmail[]): RecordInProgress {
    let open = true;
    let close!: () => void;
    const lingered = new Promise<void>((resolve) => (close = resolve));
    const lingerMs = this.env.EMAIL_RECORD_LINGER_MS;
    const timer = lingerMs > 0 ? setTimeout(close, lingerMs) : undefined;
    if (!timer) close();
    const done = lingered.then(() => {
      open = false;
      clearTimeout(timer);
      return this.recordGroup(group);
    });
    return {
      done,
      get emails() {
        return group.length;
      },
      join: (emails) => {
        if (!open) return false;
        group.push(...emails);
        return true;
      },
      close,
    };
  }

  /** Records accepted emails (see record); they are then no longer being sent. */
  private async recordGroup(group: SentEmail[]): Promise<boolean> {
    const timer = this.metrics.emailDelivery.startTimer({ phase: 'record' });
    const recorded = await this.record(group);
    timer();
    for (const { notification } of group) this.ledger.doneSending(notification.id);
    return recorded;
  }

  /**
   * Emails answered after a record failed: not recorded now (the database is away), kept to be
   * recorded with its emails.
   */
  private async keep(group: SentEmail[]): Promise<boolean> {
    this.keepToRecordLater(group, 'the record before failed');
    for (const { notification } of group) this.ledger.doneSending(notification.id);
    return false;
  }

  /**
   * Claimed messages not sent: due again at once for any sender. If the database is away, they
   * stay claimed until their lease runs out (later, never twice).
   */
  async giveBack(claims: EmailClaim[]): Promise<void> {
    if (claims.length === 0) return;
    try {
      await this.notifications.release(this.dataSource.manager, claims);
    } catch (error) {
      const reason = maskEmailsIn(error instanceof Error ? error.message : String(error));
      this.logger.warn(
        { emails: claims.length, reason },
        'unsent emails kept until their lease ends',
      );
    }
  }

  /** Sends one email; returns it once the SMTP server accepted it, or schedules its retry. */
  private async deliver(
    notification: NotificationEntity,
    claim: EmailClaim,
  ): Promise<SentEmail | undefined> {
    let messageId: string;
    try {
      messageId = await this.send(notification);
    } catch (error) {
      await this.failed(notification, claim, error);
      return undefined;
    }
    this.metrics.emails.inc({ stage: notification.stage, outcome: 'sent' });
    this.logger.log(logOf(notification), 'email sent');
    return { notification, claim, messageId };
  }

  /**
   * Records accepted emails; those it cannot are kept to be recorded later. False when
   * the record failed.
   */
  private async record(sent: SentEmail[]): Promise<boolean> {
    if (sent.length === 0) return true;
    try {
      await this.recordSent.execute(sent);
      return true;
    } catch (error) {
      this.keepToRecordLater(
        sent,
        maskEmailsIn(error instanceof Error ? error.message : String(error)),
      );
      return false;
    }
  }

  /** Emails accepted and not recorded: kept in the ledger (leases renewed) to be recorded later. */
  private keepToRecordLater(sent: SentEmail[], reason: string): void {
    for (const email of sent) {
      this.ledger.keepUnrecorded(email);
      this.logger.warn(
        { ...logOf(email.notification), reason },
        'email sent, not yet recorded: kept to record later',
      );
    }
  }

  /**
   * Sends one email to whom its order's support case names (read with its claim); returns its
   * Message-ID once the SMTP server accepted it.
   */
  private async send(notification: NotificationEntity): Promise<string> {
    const kase = notification.supportCase;
    const toSupport = notification.audience === 'SUPPORT';
    const rendered = renderEmail({
      stage: notification.stage,
      orderId: notification.orderId,
      content: notification.content,
      customerName: kase?.customer.name ?? null,
      contact: kase ? { name: kase.contact.name, email: kase.contact.email } : null,
      paid: kase?.paid ?? null,
      statusUrl: statusPageUrl(
        this.env.STATUS_PAGE_BASE_URL,
        notification.orderId,
        this.env.STATUS_PAGE_SECRET,
        new Date(),
        this.env.STATUS_PAGE_LINK_TTL_DAYS * 86_400,
      ),
    });
    const to = toSupport
      ? [...(kase ? [kase.contact.email] : []), this.env.OPS_EMAIL]
      : kase
        ? [kase.customer.email]
        : [];
    if (to.length === 0) throw new Error('no recipient known for this message');
    return this.mailer.send({
      to,
      ...rendered,
      messageId: `<${notification.id}@notifications.poly.example>`,
    });
  }

  /** Schedules the retry of an email the SMTP server did not take (or gives it up). */
  private async failed(
    notification: NotificationEntity,
    claim: EmailClaim,
    error: unknown,
  ): Promise<void> {
    const log = { ...logOf(notification), attempts: notification.attempts };
    const reason = maskEmailsIn(error instanceof Error ? error.message : String(error));
    const manager = this.dataSource.manager;
    if (isPermanentSmtpFailure(error) || notification.attempts >= this.env.EMAIL_MAX_ATTEMPTS) {
      this.logger.error({ ...log, reason }, 'email given up');
      this.metrics.emails.inc({ stage: notification.stage, outcome: 'failed' });
      await this.notifications.markFailed(manager, claim, reason);
      return;
    }
    const delay = retryDelayMs(notification.attempts, this.env.EMAIL_RETRY_BASE_MS);
    this.logger.warn({ ...log, delay, reason }, 'email failed, will retry');
    this.metrics.emails.inc({ stage: notification.stage, outcome: 'retry' });
    await this.notifications.markRetry(manager, claim, new Date(Date.now() + delay), reason);
  }
}

function logOf(notification: NotificationEntity): Record<string, string> {
  return {
    orderId: notification.orderId,
    stage: notification.stage,
    notificationId: notification.id,
    correlationId: notification.orderId,
  };
}
