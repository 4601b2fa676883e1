import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refund that upstream settled with another amount than requested is kept, with what upstream
 * says it refunded, as MISMATCHED (its saga waits on ops) instead of being dead-lettered.
 */
export class RefundSettledMismatch1764600000000 implements MigrationInterface {
  name = 'RefundSettledMismatch1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE refunds
        DROP CONSTRAINT refunds_status_check,
        DROP CONSTRAINT refunds_check,
        ADD COLUMN settled_amount_minor bigint CHECK (settled_amount_minor >= 0),
        ADD COLUMN settled_currency char(3),
        ADD CONSTRAINT refunds_status_check CHECK (status IN ('REQUESTED', 'SETTLED', 'MISMATCHED')),
        ADD CONSTRAINT refunds_check CHECK ((status <> 'REQUESTED') = (settled_at IS NOT NULL)),
        ADD CONSTRAINT refunds_mismatch_recorded
          CHECK ((status = 'MISMATCHED') = (settled_amount_minor IS NOT NULL AND settled_currency IS NOT NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE refunds
        DROP CONSTRAINT refunds_mismatch_recorded,
        DROP CONSTRAINT refunds_check,
        DROP CONSTRAINT refunds_status_check,
        DROP COLUMN settled_currency,
        DROP COLUMN settled_amount_minor,
        ADD CONSTRAINT refunds_status_check CHECK (status IN ('REQUESTED', 'SETTLED')),
        ADD CONSTRAINT refunds_check CHECK ((status = 'SETTLED') = (settled_at IS NOT NULL))`);
  }
}
