import { OrderPaid } from '@app/contracts';
import { EventBatch, OnEvents } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CheckEligibilityUsecase } from './check-eligibility.usecase';

@Controller()
export class OrderPaidHandler {
  constructor(private readonly checkEligibility: CheckEligibilityUsecase) {}

  /** A batch handler: a run of paid orders is checked on shared reads (see the use case). */
  @OnEvents(OrderPaid)
  async handle(@Payload() batch: EventBatch<OrderPaid>): Promise<void> {
    await this.checkEligibility.executeAll(
      batch.items.map(({ event, tx }) => {
        const { orderId, accountId, region, licenseIds, changeWindow } = event.data;
        return {
          command: {
            orderId,
            accountId,
            region,
            licenseIds,
            ...(changeWindow
              ? { changeWindow: { startsAt: changeWindow.startsAt, endsAt: changeWindow.endsAt } }
              : {}),
          },
          tx,
        };
      }),
    );
  }
}
