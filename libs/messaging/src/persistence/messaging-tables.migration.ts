import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The runtime's own tables, in every service's database:
 * - `outbox_messages`: events committed with the state that caused them, waiting for the relay;
 * - `inbox_events`: ids of events already handled (or dead-lettered), so a redelivery is a no-op.
 */
export class MessagingTables1763900000000 implements MigrationInterface {
  name = 'MessagingTables1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_messages (
        id           bigserial PRIMARY KEY,
        topic        text NOT NULL,
        message_key  text NOT NULL,
        payload      bytea NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
        event_type   text,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE inbox_events (
        event_id      text PRIMARY KEY,
        event_type    text,
        topic         text NOT NULL,
        processed_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE inbox_events');
    await queryRunner.query('DROP TABLE outbox_messages');
  }
}
