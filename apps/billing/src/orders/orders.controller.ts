import { UnitOfWork } from '@app/messaging';
import { CurrentPrincipal, Principal, Roles } from '@app/platform';
import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CreateOrderRequest } from './create-order.request';
import { CreateOrderUsecase } from './create-order.usecase';
import { PlacedOrderResponse, toPlacedOrderResponse } from './order.response';

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly createOrder: CreateOrderUsecase,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Roles('customer', 'support')
  async create(
    @Body() body: CreateOrderRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PlacedOrderResponse> {
    const { order, quote } = await this.uow.run({ correlationId: body.quoteId }, (tx) =>
      this.createOrder.execute(
        {
          quoteId: body.quoteId,
          customer: { name: body.customer.name, email: body.customer.email },
          changeWindow: body.changeWindow && {
            startsAt: new Date(body.changeWindow.startsAt),
            endsAt: new Date(body.changeWindow.endsAt),
          },
          accountScope: principal.role === 'customer' ? principal.accountId : undefined,
        },
        tx,
      ),
    );
    return toPlacedOrderResponse(order, quote);
  }
}
