import { CloudEvent, EligibilityVerified } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { StartReactivationUsecase } from './start-reactivation.usecase';

@Controller()
export class EligibilityVerifiedHandler {
  constructor(private readonly startReactivation: StartReactivationUsecase) {}

  @OnEvent(EligibilityVerified)
  async handle(
    @Payload() event: CloudEvent<EligibilityVerified>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { data } = event;
    await this.startReactivation.execute(
      {
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
      ctx.tx,
    );
  }
}
