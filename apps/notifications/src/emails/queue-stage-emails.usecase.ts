import { PaymentRejected } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rejectionOpensCase } from '../roster/rejected-payment-case';
import { RosterPort } from '../roster/roster.port';
import { stageDetails } from '../timeline/saga-status';
import { emailStageFor, StageEmailEvent } from './email-stage';
import { KnownOrder, NotificationRepository } from './notification.repository';
import { SendingLedger } from './sending-ledger';

export interface QueueStageEmailCommand {
  orderId: string;
  accountId: string;
  type: StageEmailEvent;
  data: object;
}

/**
 * Saga stages that call for an email to the customer: queued once per (order, stage) in the
 * transaction that handles the events (one statement), claimed there for this process when it has
 * room, and sent after commit by the dispatcher.
 */
@Injectable()
export class QueueStageEmailsUsecase {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly cases: RosterPort,
    private readonly ledger: SendingLedger,
  ) {}

  /**
   * `known`: orders whose customer this transaction made known (their support case opened): their
   * emails queued before, waiting for it, are claimed (a statement before these) or their sender
   * woken, and those HELD for them become due or are dropped (see KnownOrder).
   */
  async execute(
    commands: QueueStageEmailCommand[],
    scope: { manager: EntityManager; now: Date },
    known: KnownOrder[] = [],
  ): Promise<void> {
    // A payment rejected for an order never paid names its customer when it closes that order (its
    // case is opened in this transaction, before); otherwise, an order without a case: nobody to
    // write to, the timeline has it.
    const unnamed = commands.filter(
      (c) => c.type === PaymentRejected.type && !rejectionOpensCase(c.data as PaymentRejected),
    );
    const named = await this.cases.ordersWithCase(
      scope.manager,
      unnamed.map((c) => c.orderId),
    );
    await this.notifications.queueMany(
      scope.manager,
      commands
        .filter((c) => !unnamed.includes(c) || named.has(c.orderId))
        .map((c) => ({
          orderId: c.orderId,
          accountId: c.accountId,
          stage: emailStageFor(c.type, c.data),
          audience: 'CUSTOMER' as const,
          content: stageDetails(c.data),
          dueAt: scope.now,
          createdAt: scope.now,
        })),
      this.ledger.claimOnQueue(scope.now),
      known,
    );
  }
}
