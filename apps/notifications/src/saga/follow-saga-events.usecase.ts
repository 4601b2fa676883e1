import {
  CloudEvent,
  EntitlementsRestored,
  OrderFulfilled,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
} from '@app/contracts';
import { together, Transaction } from '@app/messaging';
import { openPerson, PersonalDataCipher } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { STAGE_EMAIL_EVENTS, StageEmailEvent } from '../emails/email-stage';
import { QueueStageEmailsUsecase } from '../emails/queue-stage-emails.usecase';
import { ScheduleRenewalRemindersUsecase } from '../reminders/schedule-renewal-reminders.usecase';
import { CloseSupportCasesUsecase } from '../roster/close-support-cases.usecase';
import {
  OpenSupportCaseCommand,
  OpenSupportCasesUsecase,
} from '../roster/open-support-cases.usecase';
import { rejectionOpensCase } from '../roster/rejected-payment-case';
import { RecordStagesUsecase, stageOf } from '../timeline/record-stages.usecase';

/** The stages that end a saga: its support case closes. */
const ENDING: readonly string[] = [OrderFulfilled.type, OrderRefunded.type];

/** A followed event and the transaction its effects are published from (it is their cause). */
export interface FollowedEvent {
  event: CloudEvent<{ orderId: string; accountId: string }>;
  tx: Transaction;
}

/**
 * What this service does with a run of saga events (a transaction's, each partition's in order),
 * as one pipeline of set-based steps, in this order:
 *
 * 1. the support contact: paid orders (and orders closed by a rejected payment naming their
 *    customer) get their named contact, announced by SupportContactAssigned;
 * 2. the email queue: one email per stage the customer is told about, once per order and stage
 *    (after step 1, which tells whom to write to), and, in the same statement, the orders step 1
 *    made known settled: the emails that waited for their customer claimed, the renewal
 *    reminders held for them released if they bought them, dropped if not;
 * 3. renewal reminders: new ones scheduled when licenses are restored (after step 1, which tells
 *    whether the order bought them);
 * 4. the support cases of sagas that ended close (only contact balancing, in step 1, reads
 *    that), sent together with
 * 5. the timeline: each event (and each SupportContactAssigned of step 1) becomes a stage of its
 *    order and moves the order's summary: one round trip for both, on the saga's path when it
 *    ends (OrderFulfilled). Last, because the summary row is what the other
 *    transactions touching the same order (its other events, consumed from other partitions at
 *    the same moment, and the email sender's records) wait for: locked just before the commit, it
 *    is held for one statement rather than the whole pipeline (recorded first, it let waits chain
 *    from one transaction to the next until the service fell behind at 20 sagas/s).
 *
 * The email sender's records lock in the same order (emails, then summaries). The stall sweeper
 * starts from a locked summary, but after it only inserts rows of keys no other writer inserts
 * (its stall, its stage, its escalation email), so it waits on nobody holding a summary.
 *
 * Each step reads what the whole run needs in one query per table and writes with one statement per
 * table, whatever the number of events.
 */
@Injectable()
export class FollowSagaEventsUsecase {
  constructor(
    private readonly recordStages: RecordStagesUsecase,
    private readonly openCases: OpenSupportCasesUsecase,
    private readonly closeCases: CloseSupportCasesUsecase,
    private readonly queueEmails: QueueStageEmailsUsecase,
    private readonly scheduleReminders: ScheduleRenewalRemindersUsecase,
    /** Billing seals the customer for notifications alone (OrderPaid, PaymentRejected). */
    private readonly cipher: PersonalDataCipher,
  ) {}

  async execute(
    events: FollowedEvent[],
    scope: { manager: EntityManager; now: Date },
  ): Promise<void> {
    if (events.length === 0) return;
    const ofType = <T>(type: string) =>
      events.filter((e) => e.event.type === type) as {
        event: CloudEvent<T & { orderId: string; accountId: string }>;
        tx: Transaction;
      }[];
    const paid = ofType<OrderPaid>(OrderPaid.type);
    const remindersBought = new Set(
      paid
        .filter((e) => e.event.data.addOns.includes('RENEWAL_REMINDERS'))
        .map((e) => e.event.data.orderId),
    );

    // 1. The support contact.
    const assigned = await this.openCases.execute(
      [
        ...paid.map((e) => this.caseOfPaidOrder(e)),
        ...this.casesOfRejections(ofType(PaymentRejected.type)),
      ],
      scope,
    );
    // 2. The email queue.
    await this.queueEmails.execute(
      events
        .filter((e) => (STAGE_EMAIL_EVENTS as readonly string[]).includes(e.event.type))
        .map((e) => ({
          orderId: e.event.data.orderId,
          accountId: e.event.data.accountId,
          type: e.event.type as StageEmailEvent,
          data: e.event.data,
        })),
      scope,
      // Their customers now known: emails queued before, waiting for them, can go, and renewal
      // reminders held for them are scheduled if they bought them (a paid order), dropped if not.
      assigned.map((e) => ({
        orderId: e.data.orderId,
        wantsHeld: remindersBought.has(e.data.orderId),
      })),
    );

    // 3. Renewal reminders.
    await this.scheduleReminders.execute(
      ofType<EntitlementsRestored>(EntitlementsRestored.type).map(({ event }) => ({
        orderId: event.data.orderId,
        accountId: event.data.accountId,
        licenses: event.data.licenses.map((l) => ({
          licenseId: l.licenseId,
          product: l.product,
          expiresAt: l.expiresAt,
        })),
      })),
      scope,
    );

    // 4. and 5. The cases closed and the timeline, SupportContactAssigned included (our own
    // events: recorded here rather than consumed back from Kafka). The close is a statement of its
    // own that needs no answer before the timeline's.
    await together(
      this.closeCases.execute(
        events.filter((e) => ENDING.includes(e.event.type)).map((e) => e.event.data.orderId),
        scope,
      ),
      this.recordStages.execute(
        [...events.map((e) => stageOf(e.event)), ...assigned.map(stageOf)],
        scope,
      ),
    );
  }

  private caseOfPaidOrder({
    event,
    tx,
  }: {
    event: CloudEvent<OrderPaid>;
    tx: Transaction;
  }): OpenSupportCaseCommand {
    const { orderId, accountId, region, customer, amount, addOns } = event.data;
    return {
      orderId,
      accountId,
      region,
      customer: openPerson(this.cipher, customer.sealed),
      paid: { amountMinor: amount.amountMinor, currency: amount.currency },
      addOns: [...addOns],
      tx,
    };
  }

  /**
   * A payment rejected for an order that is never paid (wrong amount or currency, expired): its
   * customer is still told, by a named contact, so the order gets its support case here instead
   * of from OrderPaid.
   */
  private casesOfRejections(
    rejections: { event: CloudEvent<PaymentRejected>; tx: Transaction }[],
  ): OpenSupportCaseCommand[] {
    return rejections
      .filter(({ event }) => rejectionOpensCase(event.data))
      .map(({ event, tx }) => ({
        orderId: event.data.orderId,
        accountId: event.data.accountId,
        region: event.data.region,
        customer: openPerson(this.cipher, event.data.customer!.sealed),
        paid: { amountMinor: event.data.amount.amountMinor, currency: event.data.amount.currency },
        // Nothing was bought: no add-on (no renewal reminders) for an order never paid.
        addOns: [],
        tx,
      }));
  }
}
