import { Module } from '@nestjs/common';
import { CloseSupportCasesUsecase } from './close-support-cases.usecase';
import { ListRosterUsecase } from './list-roster.usecase';
import { OpenSupportCasesUsecase } from './open-support-cases.usecase';
import { RosterController } from './roster.controller';
import { RosterPort } from './roster.port';
import { SupportCaseRepository } from './support-case.repository';

/**
 * The support roster per region and the one contact assigned to each paid order (or to each order
 * closed by a rejected payment).
 */
@Module({
  controllers: [RosterController],
  providers: [
    SupportCaseRepository,
    RosterPort,
    OpenSupportCasesUsecase,
    CloseSupportCasesUsecase,
    ListRosterUsecase,
  ],
  exports: [RosterPort, OpenSupportCasesUsecase, CloseSupportCasesUsecase],
})
export class RosterModule {}
