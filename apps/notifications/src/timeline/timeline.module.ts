import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module';
import { RosterModule } from '../roster/roster.module';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { ReactivationsController } from './reactivations.controller';
import { SagaEventHandler } from './saga-event.handler';
import { StageRecordingModule } from './stage-recording.module';

/** Every order's timeline (each saga event with its time) over HTTP and as a status page. */
@Module({
  imports: [StageRecordingModule, RosterModule, EmailsModule],
  controllers: [SagaEventHandler, ReactivationsController],
  providers: [GetReactivationUsecase],
})
export class TimelineModule {}
