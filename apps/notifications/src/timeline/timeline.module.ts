import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module';
import { RosterModule } from '../roster/roster.module';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { ReactivationsController } from './reactivations.controller';
import { RecordStageUsecase } from './record-stage.usecase';
import { SagaEventHandler } from './saga-event.handler';
import { TimelineRepository } from './timeline.repository';

/** Every order's timeline (each saga event with its time) over HTTP and as a status page. */
@Module({
  imports: [RosterModule, EmailsModule],
  controllers: [SagaEventHandler, ReactivationsController],
  providers: [TimelineRepository, RecordStageUsecase, GetReactivationUsecase],
  exports: [TimelineRepository],
})
export class TimelineModule {}
