import {
  ActivationScheduled,
  EligibilityRejected,
  EligibilityReviewRequired,
  EligibilityVerified,
  EntitlementsRestored,
  ManualHandlingRequired,
  OrderFulfilled,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
  ReactivationFailed,
} from '@app/contracts';
import { EventBatch, OnEvents } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { FollowSagaEventsUsecase } from './follow-saga-events.usecase';

/**
 * The one handler of every saga event this service follows: each run of events of a chunk goes
 * to the one use case that says what is done with it, in which order.
 */
@Controller()
export class SagaEventsHandler {
  constructor(private readonly followSagaEvents: FollowSagaEventsUsecase) {}

  @OnEvents(OrderPaid)
  async onOrderPaid(@Payload() batch: EventBatch<OrderPaid>): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(PaymentRejected)
  async onPaymentRejected(@Payload() batch: EventBatch<PaymentRejected>): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(OrderFulfilled)
  async onOrderFulfilled(@Payload() batch: EventBatch<OrderFulfilled>): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(OrderRefunded)
  async onOrderRefunded(@Payload() batch: EventBatch<OrderRefunded>): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(ManualHandlingRequired)
  async onManualHandlingRequired(
    @Payload() batch: EventBatch<ManualHandlingRequired>,
  ): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(EligibilityVerified)
  async onEligibilityVerified(@Payload() batch: EventBatch<EligibilityVerified>): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(EligibilityRejected)
  async onEligibilityRejected(@Payload() batch: EventBatch<EligibilityRejected>): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(EligibilityReviewRequired)
  async onEligibilityReviewRequired(
    @Payload() batch: EventBatch<EligibilityReviewRequired>,
  ): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(ActivationScheduled)
  async onActivationScheduled(@Payload() batch: EventBatch<ActivationScheduled>): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(EntitlementsRestored)
  async onEntitlementsRestored(@Payload() batch: EventBatch<EntitlementsRestored>): Promise<void> {
    await this.follow(batch);
  }

  @OnEvents(ReactivationFailed)
  async onReactivationFailed(@Payload() batch: EventBatch<ReactivationFailed>): Promise<void> {
    await this.follow(batch);
  }

  private async follow(batch: EventBatch<{ orderId: string; accountId: string }>): Promise<void> {
    await this.followSagaEvents.execute(
      batch.items.map(({ event, tx }) => ({ event, tx })),
      { manager: batch.manager, now: batch.now },
    );
  }
}
