import { EligibilityVerified } from '@app/contracts';
import { EventBatch, OnEvents } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { StartReactivationUsecase } from './start-reactivation.usecase';

@Controller()
export class EligibilityVerifiedHandler {
  constructor(private readonly startReactivation: StartReactivationUsecase) {}

  /** A batch handler: a run of verified orders is started (and reinstated) together. */
  @OnEvents(EligibilityVerified)
  async handle(@Payload() batch: EventBatch<EligibilityVerified>): Promise<void> {
    await this.startReactivation.executeAll(
      batch.items.map(({ event: { data }, tx }) => ({
        command: {
          orderId: data.orderId,
          accountId: data.accountId,
          licenseIds: data.licenseIds,
          holdIds: data.holdIds,
          changeWindow: data.changeWindow
            ? {
                startsAt: new Date(data.changeWindow.startsAt),
                endsAt: new Date(data.changeWindow.endsAt),
              }
            : null,
          verifiedAt: new Date(data.verifiedAt),
        },
        tx,
      })),
    );
  }
}
