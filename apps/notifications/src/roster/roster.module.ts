import { Module } from '@nestjs/common';
import { StageRecordingModule } from '../timeline/stage-recording.module';
import { AssignSupportContactUsecase } from './assign-support-contact.usecase';
import { CloseSupportCaseUsecase } from './close-support-case.usecase';
import { ListRosterUsecase } from './list-roster.usecase';
import { OpenRejectedPaymentCaseUsecase } from './open-rejected-payment-case.usecase';
import { RosterController } from './roster.controller';
import { SupportCaseHandler } from './support-case.handler';
import { SupportCaseRepository } from './support-case.repository';

/**
 * The support roster per region and the one contact assigned to each paid order (or to each order
 * closed by a rejected payment).
 */
@Module({
  imports: [StageRecordingModule],
  controllers: [SupportCaseHandler, RosterController],
  providers: [
    SupportCaseRepository,
    AssignSupportContactUsecase,
    CloseSupportCaseUsecase,
    OpenRejectedPaymentCaseUsecase,
    ListRosterUsecase,
  ],
  exports: [SupportCaseRepository],
})
export class RosterModule {}
