import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FeeSchedule } from './fee-schedule';
import { FeeScheduleRepository } from './fee-schedule.repository';

/** Fee schedules as other features see them: the schedule a region's quotes are priced with. */
@Injectable()
export class FeesPort {
  constructor(private readonly schedules: FeeScheduleRepository) {}

  scheduleFor(manager: EntityManager, region: string): Promise<FeeSchedule | undefined> {
    return this.schedules.findByRegion(manager, region);
  }
}
