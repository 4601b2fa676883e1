import { EntitlementsRestored } from '@app/contracts';
import { EventBatch, OnEvents } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { FulfilOrderUsecase } from './fulfil-order.usecase';

@Controller()
export class FulfilmentHandler {
  constructor(private readonly fulfilOrder: FulfilOrderUsecase) {}

  /** A batch handler: a run of restorations is fulfilled with one statement (see the use case). */
  @OnEvents(EntitlementsRestored)
  async onEntitlementsRestored(@Payload() batch: EventBatch<EntitlementsRestored>): Promise<void> {
    await this.fulfilOrder.executeAll(
      batch.items.map(({ event, tx }) => ({
        command: { orderId: event.data.orderId, accountId: event.data.accountId },
        tx,
      })),
    );
  }
}
