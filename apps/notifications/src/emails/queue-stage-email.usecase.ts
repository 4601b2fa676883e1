import { PaymentRejected } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { rejectionOpensCase } from '../roster/rejected-payment-case';
import { SupportCaseRepository } from '../roster/support-case.repository';
import { stageDetails } from '../timeline/saga-status';
import { emailStageFor, StageEmailEvent } from './email-stage';
import { NotificationRepository } from './notification.repository';

export interface QueueStageEmailCommand {
  orderId: string;
  accountId: string;
  type: StageEmailEvent;
  data: object;
}

/**
 * A saga stage calls for an email to the customer: queued once per (order, stage) in the same
 * transaction as the event's handling, sent after commit by the dispatcher.
 */
@Injectable()
export class QueueStageEmailUsecase {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly cases: SupportCaseRepository,
  ) {}

  async execute(command: QueueStageEmailCommand, tx: Transaction): Promise<void> {
    // A payment rejected for an order never paid names its customer when it closes that order (its
    // case is opened in this transaction); otherwise (an unknown order) nobody to write to: the
    // timeline has it.
    if (
      command.type === PaymentRejected.type &&
      !rejectionOpensCase(command.data as PaymentRejected) &&
      !(await this.cases.exists(tx.manager, command.orderId))
    )
      return;
    await this.notifications.queue(tx.manager, {
      orderId: command.orderId,
      accountId: command.accountId,
      stage: emailStageFor(command.type, command.data),
      audience: 'CUSTOMER',
      content: stageDetails(command.data),
      dueAt: tx.now,
      createdAt: tx.now,
    });
  }
}
