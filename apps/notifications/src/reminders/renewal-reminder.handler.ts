import { CloudEvent, EntitlementsRestored, OrderPaid } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ReleaseHeldRemindersUsecase } from './release-held-reminders.usecase';
import { ScheduleRenewalRemindersUsecase } from './schedule-renewal-reminders.usecase';

@Controller()
export class RenewalReminderHandler {
  constructor(
    private readonly scheduleReminders: ScheduleRenewalRemindersUsecase,
    private readonly releaseHeld: ReleaseHeldRemindersUsecase,
  ) {}

  @OnEvent(EntitlementsRestored)
  async onEntitlementsRestored(
    @Payload() event: CloudEvent<EntitlementsRestored>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { orderId, accountId, licenses } = event.data;
    await this.scheduleReminders.execute(
      {
        orderId,
        accountId,
        licenses: licenses.map((l) => ({
          licenseId: l.licenseId,
          product: l.product,
          expiresAt: l.expiresAt,
        })),
      },
      ctx.tx,
    );
  }

  @OnEvent(OrderPaid)
  async onOrderPaid(
    @Payload() event: CloudEvent<OrderPaid>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.releaseHeld.execute(
      {
        orderId: event.data.orderId,
        boughtReminders: event.data.addOns.includes('RENEWAL_REMINDERS'),
      },
      ctx.tx,
    );
  }
}
