import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who did what to a review, and when: document checks and decisions (the console's audit). */
export class ReviewAudit1764700000000 implements MigrationInterface {
  name = 'ReviewAudit1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE review_audit (
        id         bigserial PRIMARY KEY,
        review_id  text NOT NULL REFERENCES reviews (review_id),
        action     text NOT NULL,
        subject    text,
        actor      text NOT NULL,
        at         timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX review_audit_review ON review_audit (review_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE review_audit`);
  }
}
