import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PersonalDataCipher } from '@app/platform';
import { ContactLoad } from './contact-balancing';

export interface SupportContact {
  contactId: string;
  name: string;
  email: string;
  region: string;
}

export type ContactWithLoad = SupportContact & ContactLoad;

/** A case with its customer in clear and its contact, for whoever writes to them. */
export interface SupportCase {
  orderId: string;
  accountId: string;
  region: string;
  addOns: string[];
  paid: { amountMinor: number; currency: string };
  customer: { name: string; email: string };
  contact: SupportContact;
  openedAt: Date;
  closedAt: Date | null;
}

export interface NewSupportCase {
  orderId: string;
  accountId: string;
  region: string;
  contactId: string;
  customer: { name: string; email: string };
  paid: { amountMinor: number; currency: string };
  addOns: string[];
  openedAt: Date;
}

interface SupportCaseRow {
  order_id: string;
  account_id: string;
  region: string;
  add_ons: string[];
  /** bigint: a string from pg. */
  paid_amount_minor: string;
  paid_currency: string;
  customer_name_enc: string;
  customer_email_enc: string;
  opened_at: Date;
  closed_at: Date | null;
  contact_id: string;
  contact_name: string;
  contact_email: string;
  contact_region: string;
}

interface ContactLoadRow {
  contact_id: string;
  name: string;
  email: string;
  region: string;
  open_cases: number;
}

/** The roster and the cases assigned to it. */
@Injectable()
export class SupportCaseRepository {
  constructor(private readonly cipher: PersonalDataCipher) {}

  /** Contacts of a region with their open cases (every contact when the region has none). */
  async contactLoads(manager: EntityManager, region: string): Promise<ContactWithLoad[]> {
    const rows: ContactLoadRow[] = await manager.query(
      `WITH pool AS (
         SELECT * FROM support_contacts WHERE region = $1
         UNION ALL
         SELECT * FROM support_contacts WHERE NOT EXISTS (SELECT 1 FROM support_contacts WHERE region = $1)
       )
       SELECT p.contact_id, p.name, p.email, p.region,
              (SELECT count(*) FROM support_cases s
                WHERE s.contact_id = p.contact_id AND s.closed_at IS NULL)::int AS open_cases
         FROM pool p`,
      [region],
    );
    return rows.map((row) => ({
      contactId: row.contact_id,
      name: row.name,
      email: row.email,
      region: row.region,
      openCases: row.open_cases,
    }));
  }

  /** The first region of the roster (alphabetically), or undefined when the roster is empty. */
  async firstRegion(manager: EntityManager): Promise<string | undefined> {
    const rows: { region: string | null }[] = await manager.query(
      `SELECT min(region) AS region FROM support_contacts`,
    );
    return rows[0]?.region ?? undefined;
  }

  /** Every contact with their open cases, by region then name. */
  async roster(manager: EntityManager): Promise<ContactWithLoad[]> {
    const rows: ContactLoadRow[] = await manager.query(
      `SELECT c.contact_id, c.name, c.email, c.region,
              (SELECT count(*) FROM support_cases s
                WHERE s.contact_id = c.contact_id AND s.closed_at IS NULL)::int AS open_cases
         FROM support_contacts c ORDER BY c.region, c.name`,
    );
    return rows.map((row) => ({
      contactId: row.contact_id,
      name: row.name,
      email: row.email,
      region: row.region,
      openCases: row.open_cases,
    }));
  }

  /** Opens the case; false when the order already has one (a replayed or re-sent OrderPaid). */
  async open(manager: EntityManager, kase: NewSupportCase): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO support_cases
         (order_id, account_id, region, contact_id, customer_name_enc, customer_email_enc,
          paid_amount_minor, paid_currency, add_ons, opened_at, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, NULL)
       ON CONFLICT DO NOTHING RETURNING order_id`,
      [
        kase.orderId,
        kase.accountId,
        kase.region,
        kase.contactId,
        this.cipher.encrypt(kase.customer.name),
        this.cipher.encrypt(kase.customer.email),
        kase.paid.amountMinor,
        kase.paid.currency,
        kase.addOns,
        kase.openedAt,
      ],
    );
    return rows.length > 0;
  }

  /** Closes the case once (its saga ended); later calls change nothing. */
  async close(manager: EntityManager, orderId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE support_cases SET closed_at = $2 WHERE order_id = $1 AND closed_at IS NULL`,
      [orderId, at],
    );
  }

  /** The add-ons the order bought, or undefined while the order is not known. */
  async addOnsOf(manager: EntityManager, orderId: string): Promise<string[] | undefined> {
    const rows: { add_ons: string[] }[] = await manager.query(
      `SELECT add_ons FROM support_cases WHERE order_id = $1`,
      [orderId],
    );
    return rows[0]?.add_ons;
  }

  async exists(manager: EntityManager, orderId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM support_cases WHERE order_id = $1`, [
      orderId,
    ]);
    return rows.length > 0;
  }

  /** The cases of these orders with their contacts, by order id (orders without one are absent). */
  async findMany(manager: EntityManager, orderIds: string[]): Promise<Map<string, SupportCase>> {
    const rows: SupportCaseRow[] = await manager.query(
      `SELECT s.order_id, s.account_id, s.region, s.add_ons, s.paid_amount_minor, s.paid_currency,
              s.customer_name_enc, s.customer_email_enc, s.opened_at, s.closed_at,
              c.contact_id, c.name AS contact_name, c.email AS contact_email,
              c.region AS contact_region
         FROM support_cases s JOIN support_contacts c ON c.contact_id = s.contact_id
        WHERE s.order_id = ANY($1::text[])`,
      [orderIds],
    );
    return new Map(
      rows.map((row) => [
        row.order_id,
        {
          orderId: row.order_id,
          accountId: row.account_id,
          region: row.region,
          addOns: row.add_ons,
          paid: { amountMinor: Number(row.paid_amount_minor), currency: row.paid_currency },
          customer: {
            name: this.cipher.decrypt(row.customer_name_enc),
            email: this.cipher.decrypt(row.customer_email_enc),
          },
          contact: {
            contactId: row.contact_id,
            name: row.contact_name,
            email: row.contact_email,
            region: row.contact_region,
          },
          openedAt: row.opened_at,
          closedAt: row.closed_at,
        },
      ]),
    );
  }

  async findContact(manager: EntityManager, orderId: string): Promise<SupportContact | undefined> {
    const rows: { contact_id: string; name: string; email: string; region: string }[] =
      await manager.query(
        `SELECT c.contact_id, c.name, c.email, c.region
         FROM support_cases s JOIN support_contacts c ON c.contact_id = s.contact_id
        WHERE s.order_id = $1`,
        [orderId],
      );
    const row = rows[0];
    return (
      row && { contactId: row.contact_id, name: row.name, email: row.email, region: row.region }
    );
  }
}
