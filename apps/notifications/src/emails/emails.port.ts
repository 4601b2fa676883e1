import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotificationEntity } from './notification.entity';
import { NewNotification, NotificationRepository } from './notification.repository';
import { SendingLedger } from './sending-ledger';

export type { NewNotification } from './notification.repository';

/** The email queue as other features see it: queue messages in their transaction, read an order's. */
@Injectable()
export class EmailsPort {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly ledger: SendingLedger,
  ) {}

  /**
   * Queues the messages (one statement); one whose (order, stage, subject) is queued already is
   * not. Those due at once are claimed for this process when it has room (see queueMany).
   */
  async queueEmails(manager: EntityManager, emails: NewNotification[]): Promise<void> {
    await this.notifications.queueMany(manager, emails, this.ledger.claimOnQueue(new Date()));
  }

  /** Every message of the order, oldest first. */
  emailsOf(manager: EntityManager, orderId: string): Promise<NotificationEntity[]> {
    return this.notifications.ofOrder(manager, orderId);
  }
}
