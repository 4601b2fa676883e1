import { ID_PATTERN } from '@app/contracts';
import { CurrentPrincipal, readableAccountOf, Principal, Roles } from '@app/platform';
import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { GetOrderUsecase } from './get-order.usecase';
import { OrderDetailsResponse, toOrderDetailsResponse } from './order-details.response';

@Controller('orders')
export class OrderTrackingController {
  constructor(private readonly getOrder: GetOrderUsecase) {}

  @Get(':id')
  @Roles('customer', 'support')
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OrderDetailsResponse> {
    if (!ID_PATTERN.test(id))
      throw new BadRequestException('id must be an id ([A-Za-z0-9_-]{1,64})');
    const details = await this.getOrder.execute(id, readableAccountOf(principal));
    return toOrderDetailsResponse(details);
  }
}
