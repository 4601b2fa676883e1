import {
  ActivationScheduled,
  CloudEvent,
  EligibilityRejected,
  EligibilityReviewRequired,
  EntitlementsRestored,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
  ReactivationFailed,
} from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { StageEmailEvent } from './email-stage';
import { QueueStageEmailUsecase } from './queue-stage-email.usecase';

/** The saga stages the customer is told about by email. */
@Controller()
export class StageEmailHandler {
  constructor(private readonly queueEmail: QueueStageEmailUsecase) {}

  @OnEvent(OrderPaid)
  async onOrderPaid(
    @Payload() event: CloudEvent<OrderPaid>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.queue(event, ctx);
  }

  @OnEvent(EligibilityReviewRequired)
  async onEligibilityReviewRequired(
    @Payload() event: CloudEvent<EligibilityReviewRequired>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.queue(event, ctx);
  }

  @OnEvent(ActivationScheduled)
  async onActivationScheduled(
    @Payload() event: CloudEvent<ActivationScheduled>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.queue(event, ctx);
  }

  @OnEvent(EntitlementsRestored)
  async onEntitlementsRestored(
    @Payload() event: CloudEvent<EntitlementsRestored>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.queue(event, ctx);
  }

  @OnEvent(EligibilityRejected)
  async onEligibilityRejected(
    @Payload() event: CloudEvent<EligibilityRejected>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.queue(event, ctx);
  }

  @OnEvent(PaymentRejected)
  async onPaymentRejected(
    @Payload() event: CloudEvent<PaymentRejected>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.queue(event, ctx);
  }

  @OnEvent(ReactivationFailed)
  async onReactivationFailed(
    @Payload() event: CloudEvent<ReactivationFailed>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.queue(event, ctx);
  }

  @OnEvent(OrderRefunded)
  async onOrderRefunded(
    @Payload() event: CloudEvent<OrderRefunded>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.queue(event, ctx);
  }

  private async queue(
    event: CloudEvent<{ orderId: string; accountId: string }>,
    ctx: EventContext,
  ): Promise<void> {
    await this.queueEmail.execute(
      {
        orderId: event.data.orderId,
        accountId: event.data.accountId,
        type: event.type as StageEmailEvent,
        data: event.data,
      },
      ctx.tx,
    );
  }
}
