import { CloudEvent, SupportContactAssigned } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotificationsError } from '../notifications.error';
import { pickSupportContact } from './contact-balancing';
import { ContactWithLoad, SupportCaseRepository } from './support-case.repository';

export interface OpenSupportCaseCommand {
  orderId: string;
  accountId: string;
  /** The order's region; absent (an older rejection): the roster's first region. */
  region?: string;
  customer: { name: string; email: string };
  /** What the customer paid, tax included: what a refund returns. */
  paid: { amountMinor: number; currency: string };
  addOns: string[];
  /** The transaction of the event asking for the case: SupportContactAssigned is its effect. */
  tx: Transaction;
}

/**
 * Orders that need a named support contact (paid, or closed by a rejected payment naming its
 * customer) each get one, once: the least loaded of their region, counting the cases opened
 * before them in the same chunk, so a chunk balances exactly as one event at a time would.
 * Reads the cases it may already have and the roster in one statement, and writes the cases with
 * one more. Returns the
 * SupportContactAssigned events it published, for the caller to record in the timeline.
 */
@Injectable()
export class OpenSupportCasesUsecase {
  constructor(private readonly cases: SupportCaseRepository) {}

  async execute(
    commands: OpenSupportCaseCommand[],
    scope: { manager: EntityManager; now: Date },
  ): Promise<CloudEvent<SupportContactAssigned>[]> {
    if (commands.length === 0) return [];
    // Both reads in one statement (this is on every paid order's path): the roster is read even
    // when every order turns out to have its case already, which only a redelivery brings.
    const { existing, roster } = await this.cases.rosterAndCases(
      scope.manager,
      commands.map((c) => c.orderId),
    );
    // Already assigned (the same order's event again under a new id): nothing changes.
    const fresh: OpenSupportCaseCommand[] = [];
    for (const command of commands) {
      if (existing.has(command.orderId)) continue;
      existing.add(command.orderId);
      fresh.push(command);
    }
    if (fresh.length === 0) return [];
    if (roster.length === 0)
      throw new NotificationsError('ROSTER_EMPTY', 'no support contact in the roster');
    // Without the order's region, the roster's first region: the same contact pool every time.
    const firstRegion = roster.map((c) => c.region).sort()[0];
    const chosen = new Map<string, ContactWithLoad>();
    for (const command of fresh) {
      const contact = pickSupportContact(roster, command.region ?? firstRegion)!;
      contact.openCases++;
      chosen.set(command.orderId, contact);
    }
    const opened = await this.cases.openMany(
      scope.manager,
      fresh.map((c) => ({
        orderId: c.orderId,
        accountId: c.accountId,
        region: c.region ?? firstRegion,
        contactId: chosen.get(c.orderId)!.contactId,
        customer: c.customer,
        paid: c.paid,
        addOns: c.addOns,
      })),
      scope.now,
    );
    return fresh
      .filter((c) => opened.has(c.orderId))
      .map((c) => {
        const contact = chosen.get(c.orderId)!;
        return c.tx.publish(SupportContactAssigned, {
          orderId: c.orderId,
          accountId: c.accountId,
          contact: { contactId: contact.contactId, name: contact.name, email: contact.email },
        });
      });
  }
}
