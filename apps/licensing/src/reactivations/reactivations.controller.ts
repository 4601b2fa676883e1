import { IsId } from '@app/contracts';
import { Roles } from '@app/platform';
import { Controller, Get, Param } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { ReactivationView } from './reactivation.mapper';

export class OrderIdParams {
  @IsId() orderId!: string;
}

@Controller('reactivations')
export class ReactivationsController {
  constructor(
    private readonly manager: EntityManager,
    private readonly getReactivation: GetReactivationUsecase,
  ) {}

  @Get(':orderId')
  @Roles('support')
  async get(@Param() params: OrderIdParams): Promise<ReactivationView> {
    return this.getReactivation.execute({ orderId: params.orderId }, this.manager);
  }
}
