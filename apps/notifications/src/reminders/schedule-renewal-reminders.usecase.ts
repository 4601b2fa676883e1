import { AddOns } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EmailStages, RenewalReminderContent } from '../emails/email.templates';
import { NotificationRepository } from '../emails/notification.repository';
import { NotificationsEnvironment } from '../notifications.config';
import { SupportCaseRepository } from '../roster/support-case.repository';
import { renewalReminderDueAt } from './renewal-reminder.schedule';

const RENEWAL_REMINDERS: (typeof AddOns)[number] = 'RENEWAL_REMINDERS';

export interface ScheduleRenewalRemindersCommand {
  orderId: string;
  accountId: string;
  licenses: { licenseId: string; product: string; expiresAt: string }[];
}

/**
 * Restored licenses of an order that bought renewal reminders each get one reminder (unique per
 * order and license), sent by the email dispatcher when due. When the restoration is seen before
 * the order itself (topics are consumed independently), the reminders are held until it is.
 */
@Injectable()
export class ScheduleRenewalRemindersUsecase {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly cases: SupportCaseRepository,
    private readonly env: NotificationsEnvironment,
  ) {}

  async execute(command: ScheduleRenewalRemindersCommand, tx: Transaction): Promise<void> {
    const addOns = await this.cases.addOnsOf(tx.manager, command.orderId);
    if (addOns && !addOns.includes(RENEWAL_REMINDERS)) return;
    for (const license of command.licenses) {
      const dueAt = renewalReminderDueAt(
        new Date(license.expiresAt),
        this.env.RENEWAL_REMINDER_DAYS,
        tx.now,
      );
      if (!dueAt) continue;
      const content: RenewalReminderContent = {
        licenseId: license.licenseId,
        product: license.product,
        expiresAt: license.expiresAt,
      };
      await this.notifications.queue(tx.manager, {
        orderId: command.orderId,
        accountId: command.accountId,
        stage: EmailStages.RenewalReminder,
        subjectKey: license.licenseId,
        audience: 'CUSTOMER',
        status: addOns ? 'PENDING' : 'HELD',
        content,
        dueAt,
        createdAt: tx.now,
      });
    }
  }
}
