import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module';
import { RemindersModule } from '../reminders/reminders.module';
import { RosterModule } from '../roster/roster.module';
import { TimelineModule } from '../timeline/timeline.module';
import { FollowSagaEventsUsecase } from './follow-saga-events.usecase';
import { SagaEventsHandler } from './saga-events.handler';

/** Following the saga: what each consumed event does to the timeline, contacts, emails, reminders. */
@Module({
  imports: [TimelineModule, RosterModule, EmailsModule, RemindersModule],
  controllers: [SagaEventsHandler],
  providers: [FollowSagaEventsUsecase],
})
export class SagaModule {}
