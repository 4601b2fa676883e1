import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FeeSchedule } from './fee-schedule';
import { FeeScheduleRepository } from './fee-schedule.repository';

/** The published price lists of every supported region (a read: no transaction, no events). */
@Injectable()
export class ListFeeSchedulesUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schedules: FeeScheduleRepository,
  ) {}

  execute(): Promise<FeeSchedule[]> {
    return this.schedules.findAll(this.dataSource.manager);
  }
}
