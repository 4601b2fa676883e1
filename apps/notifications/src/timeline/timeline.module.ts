import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module';
import { RosterModule } from '../roster/roster.module';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { OpenStatusPageUsecase } from './open-status-page.usecase';
import { RevokeStatusPageLinksUsecase } from './revoke-status-page-links.usecase';
import { StatusPageRevocationRepository } from './status-page-revocation.repository';
import { ReactivationsController } from './reactivations.controller';
import { SagaEventHandler } from './saga-event.handler';
import { StageRecordingModule } from './stage-recording.module';

/** Every order's timeline (each saga event with its time) over HTTP and as a status page. */
@Module({
  imports: [StageRecordingModule, RosterModule, EmailsModule],
  controllers: [SagaEventHandler, ReactivationsController],
  providers: [
    GetReactivationUsecase,
    OpenStatusPageUsecase,
    RevokeStatusPageLinksUsecase,
    StatusPageRevocationRepository,
  ],
})
export class TimelineModule {}
