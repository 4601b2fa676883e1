import { CloudEvent, PaymentCaptured, PaymentFailed } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordCapturedPaymentUsecase } from './record-captured-payment.usecase';
import { RecordFailedPaymentUsecase } from './record-failed-payment.usecase';

/** Upstream payment events; their signature was checked by the runtime before they got here. */
@Controller()
export class PaymentsHandler {
  constructor(
    private readonly recordCapturedPayment: RecordCapturedPaymentUsecase,
    private readonly recordFailedPayment: RecordFailedPaymentUsecase,
  ) {}

  @OnEvent(PaymentCaptured)
  async onPaymentCaptured(
    @Payload() event: CloudEvent<PaymentCaptured>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { paymentId, orderId, accountId, amount, capturedAt } = event.data;
    await this.recordCapturedPayment.execute(
      {
        paymentId,
        orderId,
        accountId,
        amount: { amountMinor: amount.amountMinor, currency: amount.currency },
        capturedAt: new Date(capturedAt),
        appendedAt: ctx.record.appendedAt,
      },
      ctx.tx,
    );
  }

  @OnEvent(PaymentFailed)
  async onPaymentFailed(
    @Payload() event: CloudEvent<PaymentFailed>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { paymentId, orderId, accountId, reason } = event.data;
    await this.recordFailedPayment.execute({ paymentId, orderId, accountId, reason }, ctx.tx);
  }
}
