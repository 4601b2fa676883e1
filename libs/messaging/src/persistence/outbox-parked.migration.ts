import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows the broker can never take (above its size limit, or refused as invalid) are moved here by
 * the relay, so the rest of the outbox flows; ops list them (`ops outbox`) and decide.
 */
export class OutboxParked1764500000001 implements MigrationInterface {
  name = 'OutboxParked1764500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_parked (
        id           bigint PRIMARY KEY,
        topic        text NOT NULL,
        partition    int NOT NULL,
        message_key  bytea NOT NULL,
        payload      bytea NOT NULL,
        headers      bytea NOT NULL,
        event_type   text,
        created_at   timestamptz NOT NULL,
        parked_at    timestamptz NOT NULL DEFAULT now(),
        size_bytes   int NOT NULL,
        reason       text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE outbox_parked');
  }
}
