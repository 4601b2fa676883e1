import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module';
import { RosterModule } from '../roster/roster.module';
import { TimelineModule } from '../timeline/timeline.module';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { OpenStatusPageUsecase } from './open-status-page.usecase';
import { ReactivationsController } from './reactivations.controller';
import { RevokeStatusPageLinksUsecase } from './revoke-status-page-links.usecase';
import { StatusPageRevocationRepository } from './status-page-revocation.repository';

/** Every order's reactivation as it stands (its timeline, contact and emails), over HTTP and as a status page. */
@Module({
  imports: [TimelineModule, RosterModule, EmailsModule],
  controllers: [ReactivationsController],
  providers: [
    GetReactivationUsecase,
    OpenStatusPageUsecase,
    RevokeStatusPageLinksUsecase,
    StatusPageRevocationRepository,
  ],
})
export class ReactivationsModule {}
