import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module';
import { TimelineModule } from '../timeline/timeline.module';
import { RaiseStallUsecase } from './raise-stall.usecase';
import { ReactivationStallRepository } from './reactivation-stall.repository';
import { StallSweeper } from './stall.sweeper';

/** Every waiting stage has a deadline: overdue sagas are escalated (ReactivationStalled). */
@Module({
  imports: [TimelineModule, EmailsModule],
  providers: [ReactivationStallRepository, RaiseStallUsecase, StallSweeper],
})
export class DeadlinesModule {}
