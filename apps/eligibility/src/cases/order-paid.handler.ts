import { CloudEvent, OrderPaid } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CheckEligibilityUsecase } from './check-eligibility.usecase';

@Controller()
export class OrderPaidHandler {
  constructor(private readonly checkEligibility: CheckEligibilityUsecase) {}

  @OnEvent(OrderPaid)
  async handle(@Payload() event: CloudEvent<OrderPaid>, @Ctx() ctx: EventContext): Promise<void> {
    const { orderId, accountId, region, licenseIds, changeWindow } = event.data;
    await this.checkEligibility.execute(
      {
        orderId,
        accountId,
        region,
        licenseIds,
        ...(changeWindow
          ? { changeWindow: { startsAt: changeWindow.startsAt, endsAt: changeWindow.endsAt } }
          : {}),
      },
      ctx.tx,
    );
  }
}
