import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module';
import { RosterModule } from '../roster/roster.module';
import { ReleaseHeldRemindersUsecase } from './release-held-reminders.usecase';
import { RenewalReminderHandler } from './renewal-reminder.handler';
import { ScheduleRenewalRemindersUsecase } from './schedule-renewal-reminders.usecase';

/** Renewal reminders for orders that bought them: one per restored license, before it expires. */
@Module({
  imports: [EmailsModule, RosterModule],
  controllers: [RenewalReminderHandler],
  providers: [ScheduleRenewalRemindersUsecase, ReleaseHeldRemindersUsecase],
})
export class RemindersModule {}
