/**
 * The floor's tables (one schema per service, in one database), the bench's seeding of them (the
 * same accounts and orders the product's setup creates through its APIs) and the check of the end
 * state after a run.
 */
import { createHash } from 'node:crypto';
import { Client, ClientBase } from 'pg';
import { runtimeTablesSql } from './floor-service';

export const FLOOR_SCHEMAS = ['billing', 'eligibility', 'licensing', 'notifications'] as const;

export const FLOOR_DDL = `
  ${FLOOR_SCHEMAS.map((s) => `CREATE SCHEMA IF NOT EXISTS ${s}; ${runtimeTablesSql(s)}`).join('\n')}
  CREATE TABLE IF NOT EXISTS billing.orders (
    order_id text PRIMARY KEY, account_id text NOT NULL, region text NOT NULL,
    status text NOT NULL CHECK (status IN ('PLACED', 'PAID', 'FULFILLED')),
    amount_minor bigint NOT NULL, currency text NOT NULL, license_ids text[] NOT NULL,
    customer_sealed text NOT NULL, receipt jsonb NOT NULL,
    payment_id text UNIQUE, paid_at timestamptz, fulfilled_at timestamptz);
  CREATE TABLE IF NOT EXISTS billing.payments (
    payment_id text PRIMARY KEY, order_id text NOT NULL, outcome text NOT NULL,
    amount_minor bigint NOT NULL, currency text NOT NULL);
  CREATE TABLE IF NOT EXISTS eligibility.accounts (
    account_id text PRIMARY KEY, region text NOT NULL, status text NOT NULL,
    balance_minor bigint NOT NULL, license_ids text[] NOT NULL,
    holds jsonb NOT NULL);
  CREATE TABLE IF NOT EXISTS eligibility.cases (
    order_id text PRIMARY KEY, account_id text NOT NULL, state text NOT NULL,
    reasons text[] NOT NULL);
  CREATE TABLE IF NOT EXISTS licensing.accounts (account_id text PRIMARY KEY, status text NOT NULL);
  CREATE TABLE IF NOT EXISTS licensing.contracts (
    contract_id text PRIMARY KEY, account_id text NOT NULL, starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL, renewal_terms text NOT NULL, entitlements jsonb NOT NULL);
  CREATE TABLE IF NOT EXISTS licensing.licenses (
    license_id text PRIMARY KEY, account_id text NOT NULL, contract_id text NOT NULL,
    product text NOT NULL, status text NOT NULL, expires_at timestamptz NOT NULL,
    reactivated_by text);
  CREATE TABLE IF NOT EXISTS licensing.holds (
    hold_id text PRIMARY KEY, account_id text NOT NULL, category text NOT NULL,
    state text NOT NULL);
  CREATE TABLE IF NOT EXISTS licensing.cases (
    order_id text PRIMARY KEY, account_id text NOT NULL, state text NOT NULL);
  CREATE TABLE IF NOT EXISTS notifications.timeline_stages (
    id bigserial PRIMARY KEY, order_id text NOT NULL, event_id text NOT NULL, stage text NOT NULL,
    at timestamptz NOT NULL, details jsonb NOT NULL, UNIQUE (order_id, event_id));
  CREATE TABLE IF NOT EXISTS notifications.customers (
    order_id text PRIMARY KEY, account_id text NOT NULL, sealed text NOT NULL);
  CREATE TABLE IF NOT EXISTS notifications.emails (
    id uuid PRIMARY KEY, seq bigserial, order_id text NOT NULL, account_id text NOT NULL,
    stage text NOT NULL,
    status text NOT NULL CHECK (status IN ('PENDING', 'SENT')), content jsonb NOT NULL,
    sent_at timestamptz,
    UNIQUE (order_id, stage));
  CREATE INDEX IF NOT EXISTS emails_pending ON notifications.emails (seq) WHERE status = 'PENDING';
  -- Looked up by account, as the product's tables are: without these, every batch scanned them.
  CREATE INDEX IF NOT EXISTS cases_account ON eligibility.cases (account_id);
  CREATE INDEX IF NOT EXISTS holds_account ON licensing.holds (account_id);
  CREATE INDEX IF NOT EXISTS licenses_account ON licensing.licenses (account_id);
  CREATE INDEX IF NOT EXISTS contracts_account ON licensing.contracts (account_id);
`;

/** The contract terms' fingerprint, as the product's licensing defines it in spirit (SHA-256). */
export function termsFingerprint(contract: {
  contractId: string;
  startsAt: string;
  endsAt: string;
  renewalTerms: string;
  entitlements: { code: string; name: string }[];
}): string {
  return createHash('sha256').update(JSON.stringify(contract)).digest('hex');
}

/** One suspended account with one license, one billing hold, one contract, and its placed order. */
export interface FloorSeed {
  orderId: string;
  accountId: string;
  licenseId: string;
  contractId: string;
  holdId: string;
  amountMinor: number;
  currency: string;
  customerSealed: string;
}

export const FLOOR_ENTITLEMENTS = [
  { code: 'VIDEO', name: 'Video meetings' },
  { code: 'AUDIO', name: 'Audio conferencing' },
];

/** Inserts the seeds (setup, not measured), a thousand per statement. */
export async function seedFloor(url: string, seeds: FloorSeed[]): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    for (let i = 0; i < seeds.length; i += 1000) {
      const json = JSON.stringify(seeds.slice(i, i + 1000));
      const rows = `jsonb_to_recordset($1::jsonb) AS s("orderId" text, "accountId" text,
        "licenseId" text, "contractId" text, "holdId" text, "amountMinor" bigint,
        currency text, "customerSealed" text)`;
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO billing.orders (order_id, account_id, region, status, amount_minor, currency,
           license_ids, customer_sealed, receipt)
         SELECT "orderId", "accountId", 'EU', 'PLACED', "amountMinor", currency, ARRAY["licenseId"],
           "customerSealed", jsonb_build_object('lines', jsonb_build_array(jsonb_build_object(
             'code', 'REACTIVATION_FEE', 'description', 'Reactivation fee', 'quantity', 1,
             'unitAmountMinor', "amountMinor", 'amountMinor', "amountMinor", 'taxMinor', 0)),
             'subtotalMinor', "amountMinor", 'taxMinor', 0, 'totalMinor', "amountMinor",
             'currency', currency, 'taxInclusive', true, 'taxRateBps', 0)
         FROM ${rows}`,
        [json],
      );
      await db.query(
        `INSERT INTO eligibility.accounts (account_id, region, status, balance_minor, license_ids, holds)
         SELECT "accountId", 'EU', 'SUSPENDED', 0, ARRAY["licenseId"],
           jsonb_build_array(jsonb_build_object('holdId', "holdId", 'category', 'BILLING_HOLD',
             'state', 'ACTIVE'))
         FROM ${rows}`,
        [json],
      );
      await db.query(
        `INSERT INTO licensing.accounts SELECT "accountId", 'SUSPENDED' FROM ${rows}`,
        [json],
      );
      await db.query(
        `INSERT INTO licensing.contracts
         SELECT "contractId", "accountId", '2026-01-01T00:00:00Z', '2029-12-31T00:00:00Z',
           'AUTO_RENEW_12M', $2::jsonb FROM ${rows}`,
        [json, JSON.stringify(FLOOR_ENTITLEMENTS)],
      );
      await db.query(
        `INSERT INTO licensing.licenses (license_id, account_id, contract_id, product, status, expires_at)
         SELECT "licenseId", "accountId", "contractId", 'Poly Lens', 'SUSPENDED',
           '2028-06-30T00:00:00Z' FROM ${rows}`,
        [json],
      );
      await db.query(
        `INSERT INTO licensing.holds SELECT "holdId", "accountId", 'BILLING_HOLD', 'ACTIVE' FROM ${rows}`,
        [json],
      );
      await db.query('COMMIT');
    }
  } finally {
    await db.end();
  }
}

/** The stages an order's timeline must show once its saga is complete. */
export const COMPLETE_TIMELINE = [
  'OrderPaid',
  'EligibilityVerified',
  'EntitlementsRestored',
  'OrderFulfilled',
] as const;

export interface FloorEndState {
  orders: number;
  fulfilledOnce: number;
  paymentsRecorded: number;
  licensesActive: number;
  holdsCleared: number;
  eligibilityCopiesUpdated: number;
  confirmationEmailsSent: number;
  paymentEmailsSent: number;
  timelinesComplete: number;
  /** Every check holds for every order. */
  ok: boolean;
}

/** The floor's own check of its end state, from its tables. */
export async function checkFloorEndState(db: ClientBase): Promise<FloorEndState> {
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
  const state = {
    orders: await count('SELECT count(*) AS n FROM billing.orders'),
    fulfilledOnce: await count(
      `SELECT count(*) AS n FROM billing.orders WHERE status = 'FULFILLED' AND fulfilled_at IS NOT NULL`,
    ),
    paymentsRecorded: await count(
      `SELECT count(DISTINCT order_id) AS n FROM billing.payments WHERE outcome = 'MATCHED'`,
    ),
    licensesActive: await count(
      `SELECT count(*) AS n FROM licensing.licenses WHERE status = 'ACTIVE' AND reactivated_by IS NOT NULL`,
    ),
    holdsCleared: await count(`SELECT count(*) AS n FROM licensing.holds WHERE state = 'CLEARED'`),
    eligibilityCopiesUpdated: await count(
      `SELECT count(*) AS n FROM eligibility.accounts WHERE status = 'ACTIVE'
         AND NOT holds @> '[{"state": "ACTIVE"}]'`,
    ),
    confirmationEmailsSent: await count(
      `SELECT count(*) AS n FROM notifications.emails WHERE stage = 'EntitlementsRestored' AND status = 'SENT'`,
    ),
    paymentEmailsSent: await count(
      `SELECT count(*) AS n FROM notifications.emails WHERE stage = 'OrderPaid' AND status = 'SENT'`,
    ),
    timelinesComplete: await count(
      `SELECT count(*) AS n FROM (SELECT order_id FROM notifications.timeline_stages
         WHERE stage = ANY($1) GROUP BY order_id HAVING count(DISTINCT stage) = $2) t`,
      [COMPLETE_TIMELINE, COMPLETE_TIMELINE.length],
    ),
  };
  const { orders, ...rest } = state;
  return { ...state, ok: Object.values(rest).every((n) => n === orders) };
}
