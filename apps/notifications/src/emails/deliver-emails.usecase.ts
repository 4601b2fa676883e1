import { maskEmailsIn } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { RosterPort, SupportCase } from '../roster/roster.port';
import { statusPageUrl } from '../timeline/status-page.token';
import { renderEmail } from './email.templates';
import { NotificationEntity } from './notification.entity';
import { EmailClaim, NotificationRepository } from './notification.repository';
import { RecordSentEmailUsecase } from './record-sent-email.usecase';
import { retryDelayMs } from './retry-policy';
import { inSendingOrder, sendingWaves } from './send-order';
import { SendingLedger, SentEmail } from './sending-ledger';
import { isPermanentSmtpFailure, SmtpMailer } from './smtp.mailer';

/**
 * Sends a batch of claimed emails in waves (over the pooled SMTP connections), and records each
 * wave's emails the SMTP server accepted (marked SENT and their CustomerNotified published) in one
 * transaction. A wave is sent while the one before it is recorded, so a wave holds half of
 * EMAIL_WAVE_SIZE (all of it when that is 1, and then the next waits for the record): at most
 * EMAIL_WAVE_SIZE emails are ever accepted and not yet recorded, and one failure never has another
 * message sent again. The overlap goes on from one batch to the next: a batch's first wave is sent
 * while the last wave of the batch before is recorded (its record is handed from one call to the
 * next), so at moderate rates, where a batch is a wave, sending does not pause for each record.
 * When a record cannot be written (the database is unavailable), its emails, and those of the
 * wave sent meanwhile, are kept in the ledger, their leases renewed, and recorded when the
 * database answers again; nothing more is sent. Only a process killed between the SMTP answers
 * and the record sends messages twice (at most EMAIL_WAVE_SIZE, after their lease ran out, with
 * the same Message-ID).
 */
@Injectable()
export class DeliverEmailsUsecase {
  private readonly logger = new Logger(DeliverEmailsUsecase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly cases: RosterPort,
    private readonly mailer: SmtpMailer,
    private readonly ledger: SendingLedger,
    private readonly recordSent: RecordSentEmailUsecase,
    private readonly env: NotificationsEnvironment,
    private readonly metrics: NotificationsMetrics,
  ) {}

  /**
   * `shouldContinue`: false once the process is stopping; the messages not sent yet are given
   * back to the queue. So are they when a wave cannot be recorded (the database is away): nothing
   * more is sent until it answers, so at most EMAIL_WAVE_SIZE emails (two waves) are ever sent and
   * not recorded.
   *
   * `before`: the record of the last wave the call before sent, maybe still in progress (false if
   * it failed). Returns the record of this call's last wave, maybe still in progress, for the
   * next call (false if it failed, or if a failed record stopped this batch). When this call
   * throws, that record has ended.
   */
  async execute(
    claimed: NotificationEntity[],
    shouldContinue: () => boolean = () => true,
    before: Promise<boolean> = Promise.resolve(true),
  ): Promise<{ recorded: Promise<boolean> }> {
    // Held (their leases renewed) from now on: a message may wait behind its order's others.
    const claims = new Map(claimed.map((n) => [n.id, this.ledger.startSending(n)]));
    const unsent = new Set(claims.keys());
    const overlap = this.env.EMAIL_WAVE_SIZE > 1;
    const width = overlap ? Math.floor(this.env.EMAIL_WAVE_SIZE / 2) : 1;
    /** The record of the wave before, in progress while the next is sent: false if it failed. */
    let previous = before;
    let ended = false;
    try {
      const cases = await this.cases.findMany(this.dataSource.manager, [
        ...new Set(claimed.map((n) => n.orderId)),
      ]);
      // Orders side by side; one order's messages one after the other, in saga order (an order's
      // next message goes in a later wave, sent once the SMTP server answered for the one before).
      for (const wave of sendingWaves(inSendingOrder(claimed), width)) {
        if (!shouldContinue()) break;
        // Waves of one: the record of the one before ends before the next goes out.
        if (!overlap && !(await previous)) break;
        const sending = this.metrics.emailWaves.startTimer({ phase: 'send' });
        const outcomes = await Promise.allSettled(
          wave.map((n) => this.deliver(n, claims.get(n.id)!, cases.get(n.orderId))),
        );
        sending();
        for (const n of wave) unsent.delete(n.id);
        const accepted = outcomes.flatMap((o) =>
          o.status === 'fulfilled' && o.value ? [o.value] : [],
        );
        const recordedBefore = await previous;
        previous = recordedBefore ? this.recordWave(wave, accepted) : this.keep(wave, accepted);
        // A retry that could not be scheduled: the database is away too.
        const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        if (failure) throw failure.reason;
        if (!recordedBefore) break;
      }
      ended = true;
    } finally {
      // Thrown: the record in progress ends first (recordWave and keep never reject).
      if (!ended) await previous;
      await this.giveBack([...unsent].map((id) => claims.get(id)!));
      // The waves sent are no longer being sent once recorded (or kept): see recordWave and keep.
      for (const id of unsent) this.ledger.doneSending(id);
    }
    return { recorded: previous };
  }

  /** Records a sent wave (see record); its messages are then no longer being sent. */
  private async recordWave(wave: NotificationEntity[], accepted: SentEmail[]): Promise<boolean> {
    const recording = this.metrics.emailWaves.startTimer({ phase: 'record' });
    const recorded = await this.record(accepted);
    recording();
    for (const n of wave) this.ledger.doneSending(n.id);
    return recorded;
  }

  /**
   * A wave sent while the record of the one before failed: not recorded now (the database is
   * away), kept to be recorded with it.
   */
  private async keep(wave: NotificationEntity[], accepted: SentEmail[]): Promise<boolean> {
    this.keepToRecordLater(accepted, 'the record of the wave before failed');
    for (const n of wave) this.ledger.doneSending(n.id);
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
    kase: SupportCase | undefined,
  ): Promise<SentEmail | undefined> {
    let messageId: string;
    try {
      messageId = await this.send(notification, kase);
    } catch (error) {
      await this.failed(notification, claim, error);
      return undefined;
    }
    this.metrics.emails.inc({ stage: notification.stage, outcome: 'sent' });
    this.logger.log(logOf(notification), 'email sent');
    return { notification, claim, messageId };
  }

  /**
   * Records a wave's accepted emails; those it cannot are kept to be recorded later. False when
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

  /** Sends one email; returns its Message-ID once the SMTP server accepted it. */
  private async send(
    notification: NotificationEntity,
    kase: SupportCase | undefined,
  ): Promise<string> {
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
