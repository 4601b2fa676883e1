import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing's tables. The rules that matter are held here: one order per quote, one accepted
 * payment per order, one record per paymentId, one refund per payment; money is bigint minor
 * units and every subtotal + tax = total.
 */
export class CreateBillingTables1763910000000 implements MigrationInterface {
  name = 'CreateBillingTables1763910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE fee_schedules (
        region                          text PRIMARY KEY,
        currency                        char(3) NOT NULL,
        tax_rate_bps                    numeric(7,2) NOT NULL CHECK (tax_rate_bps >= 0),
        tax_inclusive                   boolean NOT NULL,
        base_fee_minor                  bigint NOT NULL CHECK (base_fee_minor >= 0),
        per_license_fee_minor           bigint NOT NULL CHECK (per_license_fee_minor >= 0),
        scheduled_activation_fee_minor  bigint CHECK (scheduled_activation_fee_minor >= 0),
        renewal_reminders_fee_minor     bigint CHECK (renewal_reminders_fee_minor >= 0),
        updated_at                      timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE quotes (
        id              text PRIMARY KEY,
        account_id      text NOT NULL,
        region          text NOT NULL REFERENCES fee_schedules (region),
        license_ids     text[] NOT NULL CHECK (cardinality(license_ids) BETWEEN 1 AND 100),
        add_ons         text[] NOT NULL,
        currency        char(3) NOT NULL,
        tax_inclusive   boolean NOT NULL,
        tax_rate_bps    numeric(7,2) NOT NULL,
        lines           jsonb NOT NULL,
        subtotal_minor  bigint NOT NULL CHECK (subtotal_minor >= 0),
        tax_minor       bigint NOT NULL CHECK (tax_minor >= 0),
        total_minor     bigint NOT NULL,
        created_at      timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        CHECK (subtotal_minor + tax_minor = total_minor),
        CHECK (expires_at > created_at)
      )`);
    await queryRunner.query(`
      CREATE TABLE orders (
        id                       text PRIMARY KEY,
        quote_id                 text NOT NULL REFERENCES quotes (id),
        account_id               text NOT NULL,
        status                   text NOT NULL CHECK (status IN
                                   ('AWAITING_PAYMENT','PAID','FULFILLED','REFUND_PENDING','REFUNDED','EXPIRED')),
        customer_name            text NOT NULL,
        customer_email           text NOT NULL,
        change_window_starts_at  timestamptz,
        change_window_ends_at    timestamptz,
        payment_deadline         timestamptz NOT NULL,
        payment_id               text,
        refund_id                text,
        created_at               timestamptz NOT NULL,
        paid_at                  timestamptz,
        fulfilled_at             timestamptz,
        refund_requested_at      timestamptz,
        refunded_at              timestamptz,
        expired_at               timestamptz,
        CONSTRAINT orders_one_per_quote UNIQUE (quote_id),
        CONSTRAINT orders_one_payment UNIQUE (payment_id),
        CHECK ((change_window_starts_at IS NULL) = (change_window_ends_at IS NULL)),
        CHECK (change_window_starts_at IS NULL OR change_window_starts_at < change_window_ends_at),
        CHECK (status NOT IN ('PAID','FULFILLED') OR payment_id IS NOT NULL),
        CHECK (status NOT IN ('REFUND_PENDING','REFUNDED') OR refund_id IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX orders_account ON orders (account_id)`);
    await queryRunner.query(
      `CREATE INDEX orders_awaiting_payment ON orders (payment_deadline) WHERE status = 'AWAITING_PAYMENT'`,
    );
    await queryRunner.query(`
      CREATE TABLE payments (
        payment_id    text PRIMARY KEY,
        order_id      text NOT NULL,
        account_id    text NOT NULL,
        amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
        currency      char(3) NOT NULL,
        outcome       text NOT NULL CHECK (outcome IN ('ACCEPTED','REJECTED')),
        reasons       text[] NOT NULL,
        captured_at   timestamptz NOT NULL,
        received_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX payments_order ON payments (order_id)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX payments_one_accepted_per_order ON payments (order_id) WHERE outcome = 'ACCEPTED'`,
    );
    await queryRunner.query(`
      CREATE TABLE payment_failures (
        payment_id   text PRIMARY KEY,
        order_id     text NOT NULL,
        account_id   text NOT NULL,
        reason       text NOT NULL,
        received_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX payment_failures_order ON payment_failures (order_id)`);
    await queryRunner.query(`
      CREATE TABLE refunds (
        refund_id     text PRIMARY KEY,
        payment_id    text NOT NULL REFERENCES payments (payment_id),
        order_id      text NOT NULL,
        account_id    text NOT NULL,
        amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
        currency      char(3) NOT NULL,
        reasons       text[] NOT NULL CHECK (cardinality(reasons) >= 1),
        status        text NOT NULL CHECK (status IN ('REQUESTED','SETTLED')),
        requested_at  timestamptz NOT NULL,
        settled_at    timestamptz,
        CONSTRAINT refunds_one_per_payment UNIQUE (payment_id),
        CHECK ((status = 'SETTLED') = (settled_at IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX refunds_order ON refunds (order_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'refunds',
      'payment_failures',
      'payments',
      'orders',
      'quotes',
      'fee_schedules',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
