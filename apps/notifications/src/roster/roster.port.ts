import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  SupportCase,
  SupportCaseRepository,
  SupportCaseRow,
  SupportContact,
} from './support-case.repository';

export type { SupportCase, SupportCaseRow } from './support-case.repository';
export { hasSupportCase, supportCaseJoin } from './support-case.repository';

/** Orders' support cases as the features writing to customers and contacts see them. */
@Injectable()
export class RosterPort {
  constructor(private readonly cases: SupportCaseRepository) {}

  /** The case a `supportCaseJoin` row holds (its customer in clear), if the order has one. */
  caseOf(row: SupportCaseRow): SupportCase | undefined {
    return this.cases.caseOf(row);
  }

  /** Which of these orders have a case (someone to write to). */
  ordersWithCase(manager: EntityManager, orderIds: string[]): Promise<Set<string>> {
    return this.cases.existing(manager, orderIds);
  }

  /** The add-ons each order with a case bought (orders not known yet are absent). */
  addOnsOf(manager: EntityManager, orderIds: string[]): Promise<Map<string, string[]>> {
    return this.cases.addOnsOf(manager, orderIds);
  }

  /** The support contact assigned to the order, if it has a case. */
  contactOf(manager: EntityManager, orderId: string): Promise<SupportContact | undefined> {
    return this.cases.findContact(manager, orderId);
  }
}
