import { CloudEvent, ManualHandlingRequired, OrderFulfilled, OrderRefunded } from '@app/contracts';
import { EventBatch, EventContext, OnEvent, OnEvents } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CloseCaseUsecase } from './close-case.usecase';

/** A saga's end (fulfilled, refunded, or waiting on ops) closes the order's case. */
@Controller()
export class SagaEndedHandler {
  constructor(private readonly closeCase: CloseCaseUsecase) {}

  /** A batch handler: the cases of a run of fulfilled orders are closed in one statement. */
  @OnEvents(OrderFulfilled)
  async fulfilled(@Payload() batch: EventBatch<OrderFulfilled>): Promise<void> {
    await this.closeCase.executeAll(
      batch.items.map(({ event }) => ({ orderId: event.data.orderId, outcome: 'FULFILLED' })),
      batch.manager,
      batch.now,
    );
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
