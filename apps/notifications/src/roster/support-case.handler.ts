import {
  CloudEvent,
  OrderFulfilled,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
} from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { openPerson, PersonalDataCipher } from '@app/platform';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AssignSupportContactUsecase } from './assign-support-contact.usecase';
import { CloseSupportCaseUsecase } from './close-support-case.usecase';
import { OpenRejectedPaymentCaseUsecase } from './open-rejected-payment-case.usecase';

@Controller()
export class SupportCaseHandler {
  constructor(
    private readonly assignContact: AssignSupportContactUsecase,
    private readonly closeCase: CloseSupportCaseUsecase,
    private readonly openRejectedPaymentCase: OpenRejectedPaymentCaseUsecase,
    /** Billing seals the customer for notifications alone (OrderPaid, PaymentRejected). */
    private readonly cipher: PersonalDataCipher,
  ) {}

  @OnEvent(OrderPaid)
  async onOrderPaid(
    @Payload() event: CloudEvent<OrderPaid>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { orderId, accountId, region, customer, amount, addOns } = event.data;
    await this.assignContact.execute(
      {
        orderId,
        accountId,
        region,
        customer: openPerson(this.cipher, customer.sealed),
        paid: { amountMinor: amount.amountMinor, currency: amount.currency },
        addOns,
      },
      ctx.tx,
    );
  }

  @OnEvent(PaymentRejected)
  async onPaymentRejected(
    @Payload() event: CloudEvent<PaymentRejected>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { orderId, accountId, region, customer, amount, reasons } = event.data;
    await this.openRejectedPaymentCase.execute(
      {
        orderId,
        accountId,
        region,
        customer: customer && openPerson(this.cipher, customer.sealed),
        amount: { amountMinor: amount.amountMinor, currency: amount.currency },
        reasons: [...reasons],
      },
      ctx.tx,
    );
  }

  @OnEvent(OrderFulfilled)
  async onOrderFulfilled(
    @Payload() event: CloudEvent<OrderFulfilled>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.closeCase.execute({ orderId: event.data.orderId }, ctx.tx);
  }

  @OnEvent(OrderRefunded)
  async onOrderRefunded(
    @Payload() event: CloudEvent<OrderRefunded>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.closeCase.execute({ orderId: event.data.orderId }, ctx.tx);
  }
}
