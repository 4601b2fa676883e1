import { CurrentPrincipal, IdParam, Principal, Roles, readableAccountOf } from '@app/platform';
import { Controller, Get } from '@nestjs/common';
import { GetOrderUsecase } from './get-order.usecase';
import { OrderDetailsResponse, toOrderDetailsResponse } from './order-details.response';

@Controller('orders')
export class OrderTrackingController {
  constructor(private readonly getOrder: GetOrderUsecase) {}

  @Get(':id')
  @Roles('customer', 'support')
  async get(
    @IdParam('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OrderDetailsResponse> {
    const details = await this.getOrder.execute(id, readableAccountOf(principal));
    return toOrderDetailsResponse(details);
  }
}
