import { CustomerNotified } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { maskEmailsIn } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { SupportCase, SupportCaseRepository } from '../roster/support-case.repository';
import { RecordStageUsecase, stageOf } from '../timeline/record-stage.usecase';
import { statusPageUrl } from '../timeline/status-page.token';
import { renderEmail } from './email.templates';
import { NotificationEntity } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { retryDelayMs } from './retry-policy';
import { inSendingOrder } from './send-order';
import { isPermanentSmtpFailure, SmtpMailer } from './smtp.mailer';

/** Attempts of the transaction marking a batch sent, when it fails transiently. */
const MARK_SENT_ATTEMPTS = 3;

interface SentEmail {
  notification: NotificationEntity;
  claimedAt: Date;
  messageId: string;
}

/**
 * Sends a batch of claimed emails, then marks those sent SENT and publishes their CustomerNotified
 * in one transaction (one per batch rather than per email). A crash between an SMTP send and that
 * commit leaves the row claimed; it is reclaimed after EMAIL_CLAIM_TIMEOUT_MS and sent again (at
 * worst once more, with the same Message-ID).
 */
@Injectable()
export class DeliverEmailsUsecase {
  private readonly logger = new Logger(DeliverEmailsUsecase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly notifications: NotificationRepository,
    private readonly cases: SupportCaseRepository,
    private readonly mailer: SmtpMailer,
    private readonly env: NotificationsEnvironment,
    private readonly metrics: NotificationsMetrics,
    private readonly recordStage: RecordStageUsecase,
  ) {}

  async execute(claimed: NotificationEntity[]): Promise<void> {
    const cases = await this.cases.findMany(this.dataSource.manager, [
      ...new Set(claimed.map((n) => n.orderId)),
    ]);
    const sent: SentEmail[] = [];
    // Orders in parallel; one order's messages one after the other, in saga order.
    const outcomes = await Promise.allSettled(
      inSendingOrder(claimed).map(async (messages) => {
        for (const notification of messages) {
          const email = await this.send(notification, cases.get(notification.orderId));
          if (email) sent.push(email);
        }
      }),
    );
    // What was sent is marked even if recording another message's failure did not work.
    await this.markSent(sent);
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** Sends one email; on failure schedules its retry (or gives up) and returns undefined. */
  private async send(
    notification: NotificationEntity,
    kase: SupportCase | undefined,
  ): Promise<SentEmail | undefined> {
    const claimedAt = notification.claimedAt!;
    try {
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
      const messageId = await this.mailer.send({
        to,
        ...rendered,
        messageId: `<${notification.id}@notifications.poly.example>`,
      });
      return { notification, claimedAt, messageId };
    } catch (error) {
      await this.failed(notification, claimedAt, error);
      return undefined;
    }
  }

  private async markSent(sent: SentEmail[]): Promise<void> {
    if (sent.length === 0) return;
    await this.markSentTogether(sent);
    for (const { notification } of sent) {
      this.metrics.emails.inc({ stage: notification.stage, outcome: 'sent' });
      this.logger.log(
        {
          orderId: notification.orderId,
          stage: notification.stage,
          notificationId: notification.id,
          correlationId: notification.orderId,
        },
        'email sent',
      );
    }
  }

  /** Marks the sent messages SENT and publishes their CustomerNotified, in one transaction. */
  private async markSentTogether(sent: SentEmail[]): Promise<void> {
    // A batch whose commit fails is sent again after the claim timeout: worth a retry when the
    // failure is transient (a deadlock, a dropped connection).
    await this.uow.run(
      { correlationId: sent[0].notification.orderId },
      async (tx) => {
        const marked = await this.notifications.markSent(
          tx.manager,
          sent.map((email) => ({
            id: email.notification.id,
            claimedAt: email.claimedAt,
            messageId: email.messageId,
          })),
          tx.now,
        );
        for (const { notification, messageId } of sent) {
          // Not marked: another sender took the message over, and tells of it when it has sent it.
          if (!marked.has(notification.id) || notification.audience !== 'CUSTOMER') continue;
          const notified = tx.publish(
            CustomerNotified,
            {
              orderId: notification.orderId,
              accountId: notification.accountId,
              stage: notification.stage,
              messageId: messageId.slice(0, 200),
              channel: 'email',
            },
            { correlationId: notification.orderId },
          );
          // Our own event: recorded in the timeline here rather than consumed back from Kafka.
          await this.recordStage.execute(stageOf(notified), tx);
        }
      },
      { attempts: MARK_SENT_ATTEMPTS },
    );
  }

  private async failed(
    notification: NotificationEntity,
    claimedAt: Date,
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
      await this.notifications.markFailed(manager, notification.id, claimedAt, reason);
      return;
    }
    const delay = retryDelayMs(notification.attempts, this.env.EMAIL_RETRY_BASE_MS);
    this.logger.warn({ ...log, delay, reason }, 'email failed, will retry');
    this.metrics.emails.inc({ stage: notification.stage, outcome: 'retry' });
    await this.notifications.markRetry(
      manager,
      notification.id,
      claimedAt,
      new Date(Date.now() + delay),
      reason,
    );
  }
}
