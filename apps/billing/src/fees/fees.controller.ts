import { Public } from '@app/platform';
import { Controller, Get } from '@nestjs/common';
import { FeeScheduleResponse, toFeeScheduleResponse } from './fee-schedule.response';
import { ListFeeSchedulesUsecase } from './list-fee-schedules.usecase';

@Controller('fees')
export class FeesController {
  constructor(private readonly listFeeSchedules: ListFeeSchedulesUsecase) {}

  /** Prices are public: the storefront shows them before anyone signs in. */
  @Public()
  @Get()
  async list(): Promise<{ schedules: FeeScheduleResponse[] }> {
    const schedules = await this.listFeeSchedules.execute();
    return { schedules: schedules.map(toFeeScheduleResponse) };
  }
}
