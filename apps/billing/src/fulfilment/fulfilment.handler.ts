import { CloudEvent, EntitlementsRestored } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { FulfilOrderUsecase } from './fulfil-order.usecase';

@Controller()
export class FulfilmentHandler {
  constructor(private readonly fulfilOrder: FulfilOrderUsecase) {}

  @OnEvent(EntitlementsRestored)
  async onEntitlementsRestored(
    @Payload() event: CloudEvent<EntitlementsRestored>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.fulfilOrder.execute(
      { orderId: event.data.orderId, accountId: event.data.accountId },
      ctx.tx,
    );
  }
}
