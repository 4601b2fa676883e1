import {
  ActivationScheduled,
  CloudEvent,
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
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordStageUsecase, stageOf } from './record-stage.usecase';

/**
 * Every saga event of an order becomes a stage of its timeline. This service's own events
 * (SupportContactAssigned, CustomerNotified, ReactivationStalled) are recorded by the transaction
 * that publishes them, not consumed back from Kafka.
 */
@Controller()
export class SagaEventHandler {
  constructor(private readonly recordStage: RecordStageUsecase) {}

  @OnEvent(OrderPaid)
  async onOrderPaid(
    @Payload() event: CloudEvent<OrderPaid>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(PaymentRejected)
  async onPaymentRejected(
    @Payload() event: CloudEvent<PaymentRejected>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(OrderFulfilled)
  async onOrderFulfilled(
    @Payload() event: CloudEvent<OrderFulfilled>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(OrderRefunded)
  async onOrderRefunded(
    @Payload() event: CloudEvent<OrderRefunded>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(EligibilityVerified)
  async onEligibilityVerified(
    @Payload() event: CloudEvent<EligibilityVerified>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(EligibilityRejected)
  async onEligibilityRejected(
    @Payload() event: CloudEvent<EligibilityRejected>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(EligibilityReviewRequired)
  async onEligibilityReviewRequired(
    @Payload() event: CloudEvent<EligibilityReviewRequired>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(ActivationScheduled)
  async onActivationScheduled(
    @Payload() event: CloudEvent<ActivationScheduled>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(EntitlementsRestored)
  async onEntitlementsRestored(
    @Payload() event: CloudEvent<EntitlementsRestored>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(ReactivationFailed)
  async onReactivationFailed(
    @Payload() event: CloudEvent<ReactivationFailed>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  @OnEvent(ManualHandlingRequired)
  async onManualHandlingRequired(
    @Payload() event: CloudEvent<ManualHandlingRequired>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.record(event, ctx);
  }

  private async record(
    event: CloudEvent<{ orderId: string; accountId: string }>,
    ctx: EventContext,
  ): Promise<void> {
    await this.recordStage.execute(stageOf(event), ctx.tx);
  }
}
