import { EventBatch, OnEvents } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { FOLLOWED_SAGA_EVENTS } from '../timeline/saga-status';
import { FollowSagaEventsUsecase } from './follow-saga-events.usecase';

/**
 * The one handler of every saga event this service follows: each run of a chunk's saga events,
 * whatever their types, goes to the one use case that says what is done with them, in which
 * order (one pipeline for the run, not one per type).
 */
@Controller()
export class SagaEventsHandler {
  constructor(private readonly followSagaEvents: FollowSagaEventsUsecase) {}

  @OnEvents(...FOLLOWED_SAGA_EVENTS)
  async onSagaEvents(
    @Payload() batch: EventBatch<{ orderId: string; accountId: string }>,
  ): Promise<void> {
    await this.followSagaEvents.execute(
      batch.items.map(({ event, tx }) => ({ event, tx })),
      { manager: batch.manager, now: batch.now },
    );
  }
}
