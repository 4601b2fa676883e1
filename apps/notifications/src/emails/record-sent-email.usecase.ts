import { CustomerNotified } from '@app/contracts';
import { UnitOfWork } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { RecordStageUsecase, stageOf } from '../timeline/record-stage.usecase';
import { NotificationRepository } from './notification.repository';
import { SentEmail } from './sending-ledger';

/**
 * Records one email the SMTP server accepted: marks it SENT (only if the claim that sent it still
 * holds it) and publishes its CustomerNotified, recorded in its order's timeline, in one
 * transaction. Throws when the transaction fails; the caller keeps the email and tries again.
 */
@Injectable()
export class RecordSentEmailUsecase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly notifications: NotificationRepository,
    private readonly recordStage: RecordStageUsecase,
  ) {}

  async execute({ notification, claim, messageId }: SentEmail): Promise<void> {
    await this.uow.run({ correlationId: notification.orderId }, async (tx) => {
      const marked = await this.notifications.markSent(tx.manager, claim, messageId, tx.now);
      // Not marked: another sender took the message over, and tells of it when it has sent it.
      if (!marked || notification.audience !== 'CUSTOMER') return;
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
    });
  }
}
