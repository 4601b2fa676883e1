import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One reactivation case per order. A SCHEDULED case is the durable schedule: the sweeper finds
 * due ones through the partial index and claims each with `UPDATE ... WHERE state = 'SCHEDULED'`.
 */
export class ReactivationCases1763900200000 implements MigrationInterface {
  name = 'ReactivationCases1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reactivation_cases (
        order_id                text PRIMARY KEY,
        account_id              text NOT NULL,
        license_ids             jsonb NOT NULL,
        hold_ids                jsonb NOT NULL,
        window_starts_at        timestamptz,
        window_ends_at          timestamptz,
        state                   text NOT NULL
                                CHECK (state IN ('SCHEDULED', 'ACTIVATING', 'RESTORED', 'FAILED', 'STUCK')),
        scheduled_for           timestamptz,
        window_missed           boolean NOT NULL DEFAULT false,
        reasons                 jsonb NOT NULL DEFAULT '[]'::jsonb,
        resuspended_license_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
        cleared_hold_ids        jsonb NOT NULL DEFAULT '[]'::jsonb,
        note                    text,
        verified_at             timestamptz NOT NULL,
        created_at              timestamptz NOT NULL,
        completed_at            timestamptz,
        CHECK (state <> 'SCHEDULED' OR scheduled_for IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX reactivation_cases_due_idx ON reactivation_cases (scheduled_for)
       WHERE state = 'SCHEDULED'`,
    );
    await queryRunner.query(
      'CREATE INDEX reactivation_cases_account_idx ON reactivation_cases (account_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reactivation_cases');
  }
}
