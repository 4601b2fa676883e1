import { Module } from '@nestjs/common';
import { FeeScheduleRepository } from './fee-schedule.repository';
import { FeesController } from './fees.controller';
import { FeesPort } from './fees.port';
import { ListFeeSchedulesUsecase } from './list-fee-schedules.usecase';

@Module({
  controllers: [FeesController],
  providers: [FeeScheduleRepository, FeesPort, ListFeeSchedulesUsecase],
  exports: [FeesPort],
})
export class FeesModule {}
