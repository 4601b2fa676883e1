import { CloudEvent, OrderFulfilled, OrderRefunded } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CloseCaseUsecase } from './close-case.usecase';

/** A saga's end (fulfilled or refunded) closes the order's case. */
@Controller()
export class SagaEndedHandler {
  constructor(private readonly closeCase: CloseCaseUsecase) {}

  @OnEvent(OrderFulfilled)
  async fulfilled(
    @Payload() event: CloudEvent<OrderFulfilled>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.closeCase.execute({ orderId: event.data.orderId, outcome: 'FULFILLED' }, ctx.tx);
  }

  @OnEvent(OrderRefunded)
  async refunded(
    @Payload() event: CloudEvent<OrderRefunded>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.closeCase.execute({ orderId: event.data.orderId, outcome: 'REFUNDED' }, ctx.tx);
  }
}
