import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Eligibility's tables: the local account copies and their license index, the cases (one per
 * order, one open per account) and the compliance reviews with their documents.
 */
export class EligibilitySchema1763920000000 implements MigrationInterface {
  name = 'EligibilitySchema1763920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE accounts (
        account_id                   text PRIMARY KEY,
        version                      integer NOT NULL CHECK (version >= 1),
        region                       text NOT NULL,
        status                       text NOT NULL,
        outstanding_balance_minor    bigint NOT NULL CHECK (outstanding_balance_minor >= 0),
        outstanding_balance_currency text NOT NULL,
        holds                        jsonb NOT NULL,
        contracts                    jsonb NOT NULL,
        licenses                     jsonb NOT NULL,
        updated_at                   timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE license_owners (
        license_id text PRIMARY KEY,
        account_id text NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX license_owners_account_idx ON license_owners (account_id)',
    );

    await queryRunner.query(`
      CREATE TABLE eligibility_cases (
        order_id        text PRIMARY KEY,
        account_id      text NOT NULL,
        state           text NOT NULL CHECK (state IN ('VERIFIED', 'IN_REVIEW', 'REJECTED')),
        reasons         text[] NOT NULL,
        license_ids     text[] NOT NULL,
        hold_ids        text[] NOT NULL,
        change_window   jsonb,
        review_id       text,
        account_version integer,
        checked_at      timestamptz NOT NULL,
        decided_at      timestamptz,
        closed_at       timestamptz,
        outcome         text CHECK (outcome IN ('FULFILLED', 'REFUNDED', 'REJECTED')),
        CHECK ((closed_at IS NULL) = (outcome IS NULL))
      )`);
    // One reactivation at a time per account: at most one open case.
    await queryRunner.query(
      'CREATE UNIQUE INDEX eligibility_cases_one_open_per_account ON eligibility_cases (account_id) WHERE closed_at IS NULL',
    );

    await queryRunner.query(`
      CREATE TABLE reviews (
        review_id     text PRIMARY KEY,
        order_id      text NOT NULL,
        account_id    text NOT NULL,
        hold_ids      text[] NOT NULL,
        state         text NOT NULL CHECK (state IN ('OPEN', 'APPROVED', 'DENIED', 'EXPIRED', 'WITHDRAWN')),
        deadline      timestamptz NOT NULL,
        opened_at     timestamptz NOT NULL,
        decided_at    timestamptz,
        decision_note text
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX reviews_order_unique ON reviews (order_id)');
    // The deadline sweep reads only open reviews, by deadline.
    await queryRunner.query(
      "CREATE INDEX reviews_open_by_deadline ON reviews (deadline) WHERE state = 'OPEN'",
    );
    await queryRunner.query(`
      CREATE TABLE review_documents (
        review_id   text NOT NULL REFERENCES reviews (review_id),
        document_id text NOT NULL,
        status      text NOT NULL CHECK (status IN ('PENDING', 'VERIFIED', 'REJECTED')),
        recorded_at timestamptz,
        PRIMARY KEY (review_id, document_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE review_documents');
    await queryRunner.query('DROP TABLE reviews');
    await queryRunner.query('DROP TABLE eligibility_cases');
    await queryRunner.query('DROP TABLE license_owners');
    await queryRunner.query('DROP TABLE accounts');
  }
}
