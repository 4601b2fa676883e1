import { CloudEvent, EligibilityRejected, ReactivationFailed, RefundSettled } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RefundOrderUsecase } from './refund-order.usecase';
import { SettleRefundUsecase } from './settle-refund.usecase';

@Controller()
export class RefundsHandler {
  constructor(
    private readonly refundOrder: RefundOrderUsecase,
    private readonly settleRefund: SettleRefundUsecase,
  ) {}

  /** Rejected, or a compliance review that was denied or expired (DOCUMENTS_EXPIRED). */
  @OnEvent(EligibilityRejected)
  async onEligibilityRejected(
    @Payload() event: CloudEvent<EligibilityRejected>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { orderId, accountId, reasons } = event.data;
    await this.refundOrder.execute({ orderId, accountId, reasons }, ctx.tx);
  }

  @OnEvent(ReactivationFailed)
  async onReactivationFailed(
    @Payload() event: CloudEvent<ReactivationFailed>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { orderId, accountId, reasons } = event.data;
    await this.refundOrder.execute({ orderId, accountId, reasons }, ctx.tx);
  }

  @OnEvent(RefundSettled)
  async onRefundSettled(
    @Payload() event: CloudEvent<RefundSettled>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { refundId, amount } = event.data;
    await this.settleRefund.execute(
      { refundId, amount: { amountMinor: amount.amountMinor, currency: amount.currency } },
      ctx.tx,
    );
  }
}
