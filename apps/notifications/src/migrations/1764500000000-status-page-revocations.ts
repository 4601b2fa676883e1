import { MigrationInterface, QueryRunner } from 'typeorm';

/** Status page links of an order issued up to `revoked_at` no longer open the page. */
export class StatusPageRevocations1764500000000 implements MigrationInterface {
  name = 'StatusPageRevocations1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE status_page_revocations (
         order_id text PRIMARY KEY,
         revoked_at timestamptz NOT NULL
       )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE status_page_revocations`);
  }
}
