import { AddOns } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EmailStages, RenewalReminderContent } from '../emails/email.templates';
import { EmailsPort, NewNotification } from '../emails/emails.port';
import { NotificationsEnvironment } from '../notifications.config';
import { RosterPort } from '../roster/roster.port';
import { renewalReminderDueAt } from './renewal-reminder.schedule';

const RENEWAL_REMINDERS: (typeof AddOns)[number] = 'RENEWAL_REMINDERS';

export interface ScheduleRenewalRemindersCommand {
  orderId: string;
  accountId: string;
  licenses: { licenseId: string; product: string; expiresAt: string }[];
}

/**
 * Restored licenses of orders that bought renewal reminders each get one reminder (unique per
 * order and license), sent by the email dispatcher when due. When a restoration is seen before
 * its order (topics are consumed independently), its reminders are held until the order is.
 * One read and one write whatever the number of orders.
 */
@Injectable()
export class ScheduleRenewalRemindersUsecase {
  constructor(
    private readonly emails: EmailsPort,
    private readonly cases: RosterPort,
    private readonly env: NotificationsEnvironment,
  ) {}

  async execute(
    commands: ScheduleRenewalRemindersCommand[],
    scope: { manager: EntityManager; now: Date },
  ): Promise<void> {
    if (commands.length === 0) return;
    const addOns = await this.cases.addOnsOf(
      scope.manager,
      commands.map((c) => c.orderId),
    );
    const reminders: NewNotification[] = [];
    for (const command of commands) {
      const bought = addOns.get(command.orderId);
      if (bought && !bought.includes(RENEWAL_REMINDERS)) continue;
      for (const license of command.licenses) {
        const dueAt = renewalReminderDueAt(
          new Date(license.expiresAt),
          this.env.RENEWAL_REMINDER_DAYS,
          scope.now,
        );
        if (!dueAt) continue;
        const content: RenewalReminderContent = {
          licenseId: license.licenseId,
          product: license.product,
          expiresAt: license.expiresAt,
        };
        reminders.push({
          orderId: command.orderId,
          accountId: command.accountId,
          stage: EmailStages.RenewalReminder,
          subjectKey: license.licenseId,
          audience: 'CUSTOMER',
          status: bought ? 'PENDING' : 'HELD',
          content,
          dueAt,
          createdAt: scope.now,
        });
      }
    }
    await this.emails.queueEmails(scope.manager, reminders);
  }
}
