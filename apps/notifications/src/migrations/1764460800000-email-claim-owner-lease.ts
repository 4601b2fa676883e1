import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An email claim names its owner (the sending process) and holds a lease the owner renews while
 * it works on the message; only an expired lease can be taken over. Messages claimed before this
 * migration keep their claim time as lease end, so they are taken over as they were before.
 */
export class EmailClaimOwnerLease1764460800000 implements MigrationInterface {
  name = 'EmailClaimOwnerLease1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE notifications ADD COLUMN claimed_by text, ADD COLUMN lease_until timestamptz`,
    );
    await queryRunner.query(
      `UPDATE notifications SET lease_until = claimed_at WHERE status = 'SENDING'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE notifications DROP COLUMN claimed_by, DROP COLUMN lease_until`,
    );
  }
}
