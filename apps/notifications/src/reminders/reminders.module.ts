import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module';
import { RosterModule } from '../roster/roster.module';
import { ScheduleRenewalRemindersUsecase } from './schedule-renewal-reminders.usecase';

/** Renewal reminders for orders that bought them: one per restored license, before it expires. */
@Module({
  imports: [EmailsModule, RosterModule],
  providers: [ScheduleRenewalRemindersUsecase],
  exports: [ScheduleRenewalRemindersUsecase],
})
export class RemindersModule {}
