import { CloudEvent, PaymentCaptured, PaymentFailed } from '@app/contracts';
import { EventBatch, EventContext, OnEvent, OnEvents } from '@app/messaging';
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

  /** A batch handler: a run of payments is decided on one read and written in one statement. */
  @OnEvents(PaymentCaptured)
  async onPaymentCaptured(@Payload() batch: EventBatch<PaymentCaptured>): Promise<void> {
    await this.recordCapturedPayment.executeAll(
      batch.items.map(({ event, tx, record }) => {
        const { paymentId, orderId, accountId, amount, capturedAt } = event.data;
        return {
          command: {
            paymentId,
            orderId,
            accountId,
            amount: { amountMinor: amount.amountMinor, currency: amount.currency },
            capturedAt: new Date(capturedAt),
            appendedAt: record.appendedAt,
          },
          tx,
        };
      }),
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
