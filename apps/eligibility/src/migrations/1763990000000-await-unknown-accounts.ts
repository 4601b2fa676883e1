import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An order whose account eligibility has not heard of yet waits for its snapshot (state
 * AWAITING_ACCOUNT) until a deadline, instead of being rejected at once: snapshots and orders
 * travel on different topics, so an order may overtake its account. A waiting case reserves
 * nothing, so it is left out of the one-open-case-per-account index.
 */
export class AwaitUnknownAccounts1763990000000 implements MigrationInterface {
  name = 'AwaitUnknownAccounts1763990000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE eligibility_cases DROP CONSTRAINT eligibility_cases_state_check',
    );
    await queryRunner.query(`
      ALTER TABLE eligibility_cases
        ADD CONSTRAINT eligibility_cases_state_check
          CHECK (state IN ('AWAITING_ACCOUNT', 'VERIFIED', 'IN_REVIEW', 'REJECTED')),
        ADD COLUMN region text,
        ADD COLUMN account_deadline timestamptz,
        ADD COLUMN opened_seq bigint GENERATED ALWAYS AS IDENTITY`);
    // A waiting case must be decidable later: the order's region and the deadline are kept.
    await queryRunner.query(`
      ALTER TABLE eligibility_cases ADD CONSTRAINT eligibility_cases_awaiting_complete
        CHECK (state <> 'AWAITING_ACCOUNT' OR (region IS NOT NULL AND account_deadline IS NOT NULL))`);
    await queryRunner.query('DROP INDEX eligibility_cases_one_open_per_account');
    await queryRunner.query(
      "CREATE UNIQUE INDEX eligibility_cases_one_open_per_account ON eligibility_cases (account_id) WHERE closed_at IS NULL AND state <> 'AWAITING_ACCOUNT'",
    );
    // The sweep reads waiting cases by deadline; a snapshot reads its account's, in arrival order.
    await queryRunner.query(
      "CREATE INDEX eligibility_cases_awaiting_by_deadline ON eligibility_cases (account_deadline) WHERE state = 'AWAITING_ACCOUNT' AND closed_at IS NULL",
    );
    await queryRunner.query(
      "CREATE INDEX eligibility_cases_awaiting_by_account ON eligibility_cases (account_id, opened_seq) WHERE state = 'AWAITING_ACCOUNT' AND closed_at IS NULL",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The old schema cannot hold an undecided case: those orders are dropped with the state.
    await queryRunner.query("DELETE FROM eligibility_cases WHERE state = 'AWAITING_ACCOUNT'");
    await queryRunner.query('DROP INDEX eligibility_cases_awaiting_by_account');
    await queryRunner.query('DROP INDEX eligibility_cases_awaiting_by_deadline');
    await queryRunner.query('DROP INDEX eligibility_cases_one_open_per_account');
    await queryRunner.query(
      'CREATE UNIQUE INDEX eligibility_cases_one_open_per_account ON eligibility_cases (account_id) WHERE closed_at IS NULL',
    );
    await queryRunner.query(`
      ALTER TABLE eligibility_cases
        DROP CONSTRAINT eligibility_cases_awaiting_complete,
        DROP COLUMN opened_seq,
        DROP COLUMN account_deadline,
        DROP COLUMN region,
        DROP CONSTRAINT eligibility_cases_state_check,
        ADD CONSTRAINT eligibility_cases_state_check
          CHECK (state IN ('VERIFIED', 'IN_REVIEW', 'REJECTED'))`);
  }
}
