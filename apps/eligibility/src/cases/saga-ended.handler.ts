import { CloudEvent, ManualHandlingRequired, OrderFulfilled, OrderRefunded } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CloseCaseUsecase } from './close-case.usecase';

/** A saga's end (fulfilled, refunded, or waiting on ops) closes the order's case. */
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

  /**
   * A saga handed to ops never blocks the account's next order: its reactivation is over (what
   * ops settle is money, tracked by billing and escalated by notifications at its deadline).
   */
  @OnEvent(ManualHandlingRequired)
  async manualHandling(
    @Payload() event: CloudEvent<ManualHandlingRequired>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.closeCase.execute(
      { orderId: event.data.orderId, outcome: 'MANUAL_HANDLING' },
      ctx.tx,
    );
  }
}
