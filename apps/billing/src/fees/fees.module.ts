import { Module } from '@nestjs/common';
import { FeeScheduleRepository } from './fee-schedule.repository';
import { FeesController } from './fees.controller';
import { ListFeeSchedulesUsecase } from './list-fee-schedules.usecase';

@Module({
  controllers: [FeesController],
  providers: [FeeScheduleRepository, ListFeeSchedulesUsecase],
  exports: [FeeScheduleRepository],
})
export class FeesModule {}
