import { SupportContactAssigned } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { NotificationsError } from '../notifications.error';
import { RecordStageUsecase, stageOf } from '../timeline/record-stage.usecase';
import { pickSupportContact } from './contact-balancing';
import { SupportCaseRepository } from './support-case.repository';

export interface AssignSupportContactCommand {
  orderId: string;
  accountId: string;
  region: string;
  customer: { name: string; email: string };
  paid: { amountMinor: number; currency: string };
  addOns: string[];
}

/** A paid order gets its named support contact, once: the least loaded of its region. */
@Injectable()
export class AssignSupportContactUsecase {
  constructor(
    private readonly cases: SupportCaseRepository,
    private readonly recordStage: RecordStageUsecase,
  ) {}

  async execute(command: AssignSupportContactCommand, tx: Transaction): Promise<void> {
    const contact = pickSupportContact(
      await this.cases.contactLoads(tx.manager, command.region),
      command.region,
    );
    if (!contact) throw new NotificationsError('ROSTER_EMPTY', 'no support contact in the roster');
    const opened = await this.cases.open(tx.manager, {
      orderId: command.orderId,
      accountId: command.accountId,
      region: command.region,
      contactId: contact.contactId,
      customer: command.customer,
      paid: command.paid,
      addOns: command.addOns,
      openedAt: tx.now,
    });
    // Already assigned (the same order paid event again under a new id): nothing changes.
    if (!opened) return;
    const assigned = tx.publish(SupportContactAssigned, {
      orderId: command.orderId,
      accountId: command.accountId,
      contact: { contactId: contact.contactId, name: contact.name, email: contact.email },
    });
    // Our own event: recorded in the timeline here rather than consumed back from Kafka.
    await this.recordStage.execute(stageOf(assigned), tx);
  }
}
