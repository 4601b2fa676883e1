import { maskEmailsIn } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { SupportCase, SupportCaseRepository } from '../roster/support-case.repository';
import { statusPageUrl } from '../timeline/status-page.token';
import { renderEmail } from './email.templates';
import { NotificationEntity } from './notification.entity';
import { EmailClaim, NotificationRepository } from './notification.repository';
import { RecordSentEmailUsecase } from './record-sent-email.usecase';
import { retryDelayMs } from './retry-policy';
import { inSendingOrder } from './send-order';
import { SendingLedger, SentEmail } from './sending-ledger';
import { isPermanentSmtpFailure, SmtpMailer } from './smtp.mailer';

/**
 * Sends a batch of claimed emails and records each as sent as soon as the SMTP server accepted it
 * (marked SENT and its CustomerNotified published, in its own transaction), so that one failure
 * never has another message sent again. When that record cannot be written (the database is
 * unavailable), the email is kept in the ledger, its lease renewed, and recorded when the database
 * answers again. Only a process killed between the SMTP answer and the record sends a message
 * twice (after the lease ran out, with the same Message-ID).
 */
@Injectable()
export class DeliverEmailsUsecase {
  private readonly logger = new Logger(DeliverEmailsUsecase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly cases: SupportCaseRepository,
    private readonly mailer: SmtpMailer,
    private readonly ledger: SendingLedger,
    private readonly recordSent: RecordSentEmailUsecase,
    private readonly env: NotificationsEnvironment,
    private readonly metrics: NotificationsMetrics,
  ) {}

  async execute(claimed: NotificationEntity[]): Promise<void> {
    const cases = await this.cases.findMany(this.dataSource.manager, [
      ...new Set(claimed.map((n) => n.orderId)),
    ]);
    // Held (their leases renewed) from now on: a message may wait behind its order's others.
    const claims = new Map(claimed.map((n) => [n.id, this.ledger.startSending(n)]));
    // Orders in parallel; one order's messages one after the other, in saga order.
    const outcomes = await Promise.allSettled(
      inSendingOrder(claimed).map(async (messages) => {
        for (const notification of messages) {
          try {
            const claim = claims.get(notification.id)!;
            await this.deliver(notification, claim, cases.get(notification.orderId));
          } finally {
            this.ledger.doneSending(notification.id);
          }
        }
      }),
    );
    // Those not reached (their order's sending failed) are let go: their lease runs out.
    for (const id of claims.keys()) this.ledger.doneSending(id);
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private async deliver(
    notification: NotificationEntity,
    claim: EmailClaim,
    kase: SupportCase | undefined,
  ): Promise<void> {
    let messageId: string;
    try {
      messageId = await this.send(notification, kase);
    } catch (error) {
      await this.failed(notification, claim, error);
      return;
    }
    const log = {
      orderId: notification.orderId,
      stage: notification.stage,
      notificationId: notification.id,
      correlationId: notification.orderId,
    };
    this.metrics.emails.inc({ stage: notification.stage, outcome: 'sent' });
    this.logger.log(log, 'email sent');
    const sent: SentEmail = { notification, claim, messageId };
    try {
      await this.recordSent.execute(sent);
    } catch (error) {
      this.ledger.keepUnrecorded(sent);
      const reason = maskEmailsIn(error instanceof Error ? error.message : String(error));
      this.logger.warn({ ...log, reason }, 'email sent, not yet recorded: kept to record later');
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
    const log = {
      orderId: notification.orderId,
      stage: notification.stage,
      notificationId: notification.id,
      correlationId: notification.orderId,
      attempts: notification.attempts,
    };
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
