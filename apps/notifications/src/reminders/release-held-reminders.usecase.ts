import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EmailStages } from '../emails/email.templates';
import { NotificationRepository } from '../emails/notification.repository';

/** The order is now known: reminders held for it are scheduled if it bought them, dropped if not. */
@Injectable()
export class ReleaseHeldRemindersUsecase {
  constructor(private readonly notifications: NotificationRepository) {}

  async execute(
    command: { orderId: string; boughtReminders: boolean },
    tx: Transaction,
  ): Promise<void> {
    await this.notifications.releaseHeld(
      tx.manager,
      command.orderId,
      EmailStages.RenewalReminder,
      command.boughtReminders,
    );
  }
}
