import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SupportCase, SupportCaseRepository, SupportContact } from './support-case.repository';

export type { SupportCase } from './support-case.repository';

/** Orders' support cases as the features writing to customers and contacts see them. */
@Injectable()
export class RosterPort {
  constructor(private readonly cases: SupportCaseRepository) {}

  /** The cases of these orders with their contacts, by order id (orders without one are absent). */
  findMany(manager: EntityManager, orderIds: string[]): Promise<Map<string, SupportCase>> {
    return this.cases.findMany(manager, orderIds);
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
