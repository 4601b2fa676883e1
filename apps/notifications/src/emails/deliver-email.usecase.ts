import { CustomerNotified } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { maskEmailsIn } from '@app/platform';
import { SupportCaseRepository } from '../roster/support-case.repository';
import { RecordStageUsecase, stageOf } from '../timeline/record-stage.usecase';
import { statusPageUrl } from '../timeline/status-page.token';
import { renderEmail } from './email.templates';
import { NotificationEntity } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { retryDelayMs } from './retry-policy';
import { isPermanentSmtpFailure, SmtpMailer } from './smtp.mailer';

/**
 * Sends one claimed email, then marks it SENT and publishes CustomerNotified in one transaction.
 * A crash between the SMTP send and that commit leaves the row claimed; it is reclaimed after
 * EMAIL_CLAIM_TIMEOUT_MS and sent again (at worst once more, with the same Message-ID).
 */
@Injectable()
export class DeliverEmailUsecase {
  private readonly logger = new Logger(DeliverEmailUsecase.name);

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

  async execute(notification: NotificationEntity): Promise<void> {
    const claimedAt = notification.claimedAt!;
    const log = {
      orderId: notification.orderId,
      stage: notification.stage,
      notificationId: notification.id,
    };
    let messageId: string;
    try {
      const kase = await this.cases.find(this.dataSource.manager, notification.orderId);
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
        ),
      });
      const to = toSupport
        ? [...(kase ? [kase.contact.email] : []), this.env.OPS_EMAIL]
        : kase
          ? [kase.customer.email]
          : [];
      if (to.length === 0) throw new Error('no recipient known for this message');
      messageId = await this.mailer.send({
        to,
        ...rendered,
        messageId: `<${notification.id}@notifications.poly.example>`,
      });
    } catch (error) {
      await this.failed(notification, claimedAt, error, log);
      return;
    }
    await this.uow.run({ correlationId: notification.orderId }, async (tx) => {
      const marked = await this.notifications.markSent(
        tx.manager,
        notification.id,
        claimedAt,
        messageId,
        tx.now,
      );
      if (marked && notification.audience === 'CUSTOMER') {
        const notified = tx.publish(CustomerNotified, {
          orderId: notification.orderId,
          accountId: notification.accountId,
          stage: notification.stage,
          messageId: messageId.slice(0, 200),
          channel: 'email',
        });
        // Our own event: recorded in the timeline here rather than consumed back from Kafka.
        await this.recordStage.execute(stageOf(notified), tx);
      }
    });
    this.metrics.emails.inc({ stage: notification.stage, outcome: 'sent' });
    this.logger.log({ ...log, correlationId: notification.orderId }, 'email sent');
  }

  private async failed(
    notification: NotificationEntity,
    claimedAt: Date,
    error: unknown,
    log: Record<string, string>,
  ): Promise<void> {
    const reason = maskEmailsIn(error instanceof Error ? error.message : String(error));
    const manager = this.dataSource.manager;
    if (isPermanentSmtpFailure(error) || notification.attempts >= this.env.EMAIL_MAX_ATTEMPTS) {
      this.logger.error(
        { ...log, correlationId: notification.orderId, attempts: notification.attempts, reason },
        'email given up',
      );
      this.metrics.emails.inc({ stage: notification.stage, outcome: 'failed' });
      await this.notifications.markFailed(manager, notification.id, claimedAt, reason);
      return;
    }
    const delay = retryDelayMs(notification.attempts, this.env.EMAIL_RETRY_BASE_MS);
    this.logger.warn(
      {
        ...log,
        correlationId: notification.orderId,
        attempts: notification.attempts,
        delay,
        reason,
      },
      'email failed, will retry',
    );
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
