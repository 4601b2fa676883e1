import { MigrationInterface, QueryRunner } from 'typeorm';

/** A saga that ends waiting on ops (ManualHandlingRequired) closes its case: MANUAL_HANDLING. */
export class ManualHandlingClosesCase1764600000001 implements MigrationInterface {
  name = 'ManualHandlingClosesCase1764600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE eligibility_cases
        DROP CONSTRAINT eligibility_cases_outcome_check,
        ADD CONSTRAINT eligibility_cases_outcome_check
          CHECK (outcome IN ('FULFILLED', 'REFUNDED', 'REJECTED', 'MANUAL_HANDLING'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE eligibility_cases
        DROP CONSTRAINT eligibility_cases_outcome_check,
        ADD CONSTRAINT eligibility_cases_outcome_check
          CHECK (outcome IN ('FULFILLED', 'REFUNDED', 'REJECTED'))`);
  }
}
