import { preparedStatement, runPrepared } from '@app/messaging';
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
}

/**
 * An order's case with its contact, as `supportCaseJoin` selects it beside another table's row
 * (every column null: the order has no case).
 */
export interface SupportCaseRow {
  case_order_id: string | null;
  case_account_id: string;
  case_region: string;
  case_add_ons: string[];
  /** bigint: a string from pg. */
  case_paid_amount_minor: string;
  case_paid_currency: string;
  case_customer_name_enc: string;
  case_customer_email_enc: string;
  case_opened_at: Date;
  case_closed_at: Date | null;
  case_contact_id: string;
  case_contact_name: string;
  case_contact_email: string;
  case_contact_region: string;
}

/**
 * The columns of `SupportCaseRow` and the join that gives them for the order in `orderColumn`,
 * when `when` holds (else nulls): a statement that takes emails to send reads whom they go to
 * with them, in the same round trip. A lateral subquery, so that each row probes its order's case
 * by key whatever the plan: as a plain join, the generic plan PostgreSQL keeps for a statement
 * could hash every case instead (a read of the whole table a call: 49 buffers at 1,700 cases).
 */
export function supportCaseJoin(
  orderColumn: string,
  when = 'true',
): { columns: string; joins: string } {
  return {
    columns: 'kase.*',
    joins: `LEFT JOIN LATERAL (
       SELECT sc.order_id AS case_order_id, sc.account_id AS case_account_id,
              sc.region AS case_region, sc.add_ons AS case_add_ons,
              sc.paid_amount_minor AS case_paid_amount_minor,
              sc.paid_currency AS case_paid_currency,
              sc.customer_name_enc AS case_customer_name_enc,
              sc.customer_email_enc AS case_customer_email_enc,
              sc.opened_at AS case_opened_at, sc.closed_at AS case_closed_at,
              sct.contact_id AS case_contact_id, sct.name AS case_contact_name,
              sct.email AS case_contact_email, sct.region AS case_contact_region
         FROM support_cases sc JOIN support_contacts sct ON sct.contact_id = sc.contact_id
        WHERE sc.order_id = ${orderColumn} AND ${when}
       OFFSET 0) kase ON true`,
  };
}

/**
 * Whether the order in `orderColumn` has a case (someone to write to), probed by key for each row:
 * `OFFSET 0` keeps PostgreSQL from the hashed alternative of an EXISTS, which the generic plan of
 * the email queue's statement chose (it expects many messages a call, where there are one or
 * two), reading every case twice a call: 0.65 ms and 87 buffers a call at 1,700 cases, against
 * 0.16 ms and 23 buffers now.
 */
export function hasSupportCase(orderColumn: string): string {
  return `EXISTS (SELECT 1 FROM support_cases c WHERE c.order_id = ${orderColumn} OFFSET 0)`;
}

interface ContactLoadRow {
  contact_id: string;
  name: string;
  email: string;
  region: string;
  open_cases: number;
}

function contactWithLoad(row: ContactLoadRow): ContactWithLoad {
  return {
    contactId: row.contact_id,
    name: row.name,
    email: row.email,
    region: row.region,
    openCases: row.open_cases,
  };
}

/** Every contact with their open cases, by region then name. */
const ROSTER_COLUMNS = `c.contact_id, c.name, c.email, c.region,
        (SELECT count(*) FROM support_cases s
          WHERE s.contact_id = c.contact_id AND s.closed_at IS NULL)::int AS open_cases`;

const ROSTER = preparedStatement(
  `SELECT ${ROSTER_COLUMNS} FROM support_contacts c ORDER BY c.region, c.name`,
);

/**
 * The roster (as ROSTER) and which of the orders in $1 have a case already, in one statement: a
 * row per contact, each with the same list of those orders (one row, with no contact, for an
 * empty roster).
 */
const ROSTER_AND_CASES = preparedStatement(
  `WITH existing AS (
     SELECT coalesce(array_agg(order_id), '{}') AS orders
       FROM support_cases WHERE order_id = ANY($1::text[]))
   SELECT ${ROSTER_COLUMNS}, e.orders AS existing
     FROM existing e LEFT JOIN support_contacts c ON true
    ORDER BY c.region, c.name`,
);

const OPEN_CASES = preparedStatement(
  `INSERT INTO support_cases
     (order_id, account_id, region, contact_id, customer_name_enc, customer_email_enc,
      paid_amount_minor, paid_currency, add_ons, opened_at, closed_at)
   SELECT c.order_id, c.account_id, c.region, c.contact_id, c.name_enc, c.email_enc,
          c.amount_minor, c.currency,
          ARRAY(SELECT jsonb_array_elements_text(c.add_ons)), $10::timestamptz, NULL
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                 $7::bigint[], $8::text[], $9::jsonb[])
       WITH ORDINALITY AS c(order_id, account_id, region, contact_id, name_enc, email_enc,
                            amount_minor, currency, add_ons, n)
    ORDER BY c.n
   ON CONFLICT DO NOTHING RETURNING order_id`,
);

const CLOSE_CASES = preparedStatement(
  `UPDATE support_cases SET closed_at = $2
   WHERE order_id = ANY($1::text[]) AND closed_at IS NULL`,
);

const ADD_ONS_OF = preparedStatement(
  `SELECT order_id, add_ons FROM support_cases WHERE order_id = ANY($1::text[])`,
);

const EXISTING_CASES = preparedStatement(
  `SELECT order_id FROM support_cases WHERE order_id = ANY($1::text[])`,
);

/** The roster and the cases assigned to it. */
@Injectable()
export class SupportCaseRepository {
  constructor(private readonly cipher: PersonalDataCipher) {}

  /** Every contact with their open cases, by region then name. */
  async roster(manager: EntityManager): Promise<ContactWithLoad[]> {
    const rows: ContactLoadRow[] = await runPrepared(manager, ROSTER, []);
    return rows.map(contactWithLoad);
  }

  /**
   * The roster with its load (as `roster`) and which of these orders have a case already (as
   * `existing`), in one statement: a paid order's transaction needs both.
   */
  async rosterAndCases(
    manager: EntityManager,
    orderIds: string[],
  ): Promise<{ roster: ContactWithLoad[]; existing: Set<string> }> {
    const rows: (ContactLoadRow & { existing: string[] })[] = await runPrepared(
      manager,
      ROSTER_AND_CASES,
      [orderIds],
    );
    return {
      roster: rows.filter((row) => row.contact_id !== null).map(contactWithLoad),
      existing: new Set(rows[0]?.existing ?? []),
    };
  }

  /**
   * Opens these cases (one statement, in order id order); returns the orders whose case was opened
   * here (an order that has one already keeps it: a replayed or re-sent event).
   */
  async openMany(
    manager: EntityManager,
    cases: NewSupportCase[],
    openedAt: Date,
  ): Promise<Set<string>> {
    if (cases.length === 0) return new Set();
    const sorted = [...cases].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    const rows: { order_id: string }[] = await runPrepared(manager, OPEN_CASES, [
      sorted.map((c) => c.orderId),
      sorted.map((c) => c.accountId),
      sorted.map((c) => c.region),
      sorted.map((c) => c.contactId),
      sorted.map((c) => this.cipher.encrypt(c.customer.name)),
      sorted.map((c) => this.cipher.encrypt(c.customer.email)),
      sorted.map((c) => c.paid.amountMinor),
      sorted.map((c) => c.paid.currency),
      sorted.map((c) => JSON.stringify(c.addOns)),
      openedAt,
    ]);
    return new Set(rows.map((row) => row.order_id));
  }

  /** Closes these orders' cases once (their sagas ended); later calls change nothing. */
  async closeMany(manager: EntityManager, orderIds: string[], at: Date): Promise<void> {
    if (orderIds.length === 0) return;
    await runPrepared(manager, CLOSE_CASES, [[...orderIds].sort(), at]);
  }

  /** The add-ons each known order bought (orders not known yet are absent). */
  async addOnsOf(manager: EntityManager, orderIds: string[]): Promise<Map<string, string[]>> {
    if (orderIds.length === 0) return new Map();
    const rows: { order_id: string; add_ons: string[] }[] = await runPrepared(manager, ADD_ONS_OF, [
      orderIds,
    ]);
    return new Map(rows.map((row) => [row.order_id, row.add_ons]));
  }

  /** Which of these orders have a case. */
  async existing(manager: EntityManager, orderIds: string[]): Promise<Set<string>> {
    if (orderIds.length === 0) return new Set();
    const rows: { order_id: string }[] = await runPrepared(manager, EXISTING_CASES, [orderIds]);
    return new Set(rows.map((row) => row.order_id));
  }

  /** The case a `supportCaseJoin` row holds, its customer in clear; undefined: none. */
  caseOf(row: SupportCaseRow): SupportCase | undefined {
    if (row.case_order_id === null) return undefined;
    return {
      orderId: row.case_order_id,
      accountId: row.case_account_id,
      region: row.case_region,
      addOns: row.case_add_ons,
      paid: { amountMinor: Number(row.case_paid_amount_minor), currency: row.case_paid_currency },
      customer: {
        name: this.cipher.decrypt(row.case_customer_name_enc),
        email: this.cipher.decrypt(row.case_customer_email_enc),
      },
      contact: {
        contactId: row.case_contact_id,
        name: row.case_contact_name,
        email: row.case_contact_email,
        region: row.case_contact_region,
      },
      openedAt: row.case_opened_at,
      closedAt: row.case_closed_at,
    };
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
