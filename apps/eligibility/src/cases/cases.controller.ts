import { IdParam, Roles } from '@app/platform';
import { Controller, Get } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseResponse } from './case.response';
import { GetCaseUsecase } from './get-case.usecase';

@Controller('cases')
export class CasesController {
  constructor(
    private readonly getCase: GetCaseUsecase,
    private readonly dataSource: DataSource,
  ) {}

  /** The eligibility case of an order: its state and every reason found. */
  @Get(':orderId')
  @Roles('support')
  get(@IdParam('orderId') orderId: string): Promise<CaseResponse> {
    return this.getCase.execute({ orderId }, this.dataSource.manager);
  }
}
