import { Roles } from '@app/platform';
import { Controller, Get, Param, UseFilters } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EligibilityHttpErrorFilter } from '../eligibility-http-error.filter';
import { CaseResponse } from './case.response';
import { GetCaseUsecase } from './get-case.usecase';

@Controller('cases')
@UseFilters(EligibilityHttpErrorFilter)
export class CasesController {
  constructor(
    private readonly getCase: GetCaseUsecase,
    private readonly dataSource: DataSource,
  ) {}

  /** The eligibility case of an order: its state and every reason found. */
  @Get(':orderId')
  @Roles('support')
  get(@Param('orderId') orderId: string): Promise<CaseResponse> {
    return this.getCase.execute({ orderId }, this.dataSource.manager);
  }
}
