import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { NotificationsError } from '../notifications.error';
import { AssignSupportContactUsecase } from './assign-support-contact.usecase';
import { rejectionOpensCase } from './rejected-payment-case';
import { SupportCaseRepository } from './support-case.repository';

export interface OpenRejectedPaymentCaseCommand {
  orderId: string;
  accountId: string;
  /** The region of the order's quote; absent from older events. */
  region?: string;
  customer?: { name: string; email: string };
  /** The payment as paid: what its refund returns. */
  amount: { amountMinor: number; currency: string };
  reasons: string[];
}

/**
 * A payment rejected for an order that is never paid (wrong amount or currency, expired): its
 * customer is still told, by a named contact, so the order gets its support case here instead of
 * from OrderPaid. Once per order, as for OrderPaid (the case's primary key).
 */
@Injectable()
export class OpenRejectedPaymentCaseUsecase {
  constructor(
    private readonly cases: SupportCaseRepository,
    private readonly assignContact: AssignSupportContactUsecase,
  ) {}

  async execute(command: OpenRejectedPaymentCaseCommand, tx: Transaction): Promise<void> {
    if (!rejectionOpensCase(command)) return;
    // Without the order's region, the roster's first region: the same contact pool every time.
    const region = command.region ?? (await this.cases.firstRegion(tx.manager));
    if (region === undefined)
      throw new NotificationsError('ROSTER_EMPTY', 'no support contact in the roster');
    await this.assignContact.execute(
      {
        orderId: command.orderId,
        accountId: command.accountId,
        region,
        customer: { name: command.customer.name, email: command.customer.email },
        paid: { amountMinor: command.amount.amountMinor, currency: command.amount.currency },
        // Nothing was bought: no add-on (no renewal reminders) for an order never paid.
        addOns: [],
      },
      tx,
    );
  }
}
