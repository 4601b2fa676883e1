import { CustomerNotified } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { RecordStagesUsecase, stageOf } from '../timeline/record-stages.usecase';
import { NotificationRepository } from './notification.repository';
import { SentEmail } from './sending-ledger';

/**
 * Records emails the SMTP server accepted: marks each SENT (only if the claim that sent it still
 * holds it) and publishes its CustomerNotified, recorded in its order's timeline, in one
 * transaction. Throws when the transaction fails; the caller keeps the emails and tries again.
 */
@Injectable()
export class RecordSentEmailUsecase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly notifications: NotificationRepository,
    private readonly recordStages: RecordStagesUsecase,
  ) {}

  async execute(emails: SentEmail[]): Promise<void> {
    if (emails.length === 0) return;
    await this.uow.run({ correlationId: emails[0].notification.orderId }, async (tx) => {
      const marked = await this.notifications.markSentMany(
        tx.manager,
        emails.map((e) => ({ claim: e.claim, messageId: e.messageId })),
        tx.now,
      );
      // Not marked: another sender took the message over, and tells of it when it has sent it.
      const notified = emails
        .filter((e) => marked.has(e.notification.id) && e.notification.audience === 'CUSTOMER')
        .map(({ notification, messageId }) =>
          tx.publish(
            CustomerNotified,
            {
              orderId: notification.orderId,
              accountId: notification.accountId,
              stage: notification.stage,
              messageId: messageId.slice(0, 200),
              channel: 'email',
            },
            { correlationId: notification.orderId },
          ),
        );
      // Our own events: recorded in the timeline here rather than consumed back from Kafka.
      await this.recordStages.execute(notified.map(stageOf), tx);
    });
  }
}
