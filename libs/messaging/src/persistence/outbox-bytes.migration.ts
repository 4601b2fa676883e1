import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox keys and headers as bytes (issue 7): a dead letter keeps the original record's key and
 * header values exactly, and those may hold what `text`/`jsonb` refuse (NUL: 22021, 22P05).
 * Headers are `[name length][name][value length][value]…` (outbox/outbox-headers.ts); rows
 * written before are converted.
 */
export class OutboxBytes1764500000000 implements MigrationInterface {
  name = 'OutboxBytes1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE outbox_messages
        ALTER COLUMN message_key TYPE bytea USING convert_to(message_key, 'UTF8'),
        ADD COLUMN header_bytes bytea NOT NULL DEFAULT '\\x'::bytea`);
    await queryRunner.query(`
      UPDATE outbox_messages o SET header_bytes = coalesce((
        SELECT string_agg(
                 int4send(octet_length(convert_to(h.key, 'UTF8'))) || convert_to(h.key, 'UTF8') ||
                 int4send(octet_length(convert_to(h.value, 'UTF8'))) || convert_to(h.value, 'UTF8'),
                 ''::bytea)
          FROM jsonb_each_text(o.headers) AS h), '\\x'::bytea)`);
    await queryRunner.query(`
      ALTER TABLE outbox_messages DROP COLUMN headers`);
    await queryRunner.query(`
      ALTER TABLE outbox_messages RENAME COLUMN header_bytes TO headers`);
    await queryRunner.query(`
      ALTER TABLE outbox_messages ALTER COLUMN headers DROP DEFAULT`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Bytes that text/jsonb refuse cannot go back: the outbox must be published (empty) first.
    await queryRunner.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM outbox_messages) THEN
          RAISE EXCEPTION 'outbox_messages is not empty: let the relay publish it before reverting';
        END IF;
      END $$`);
    await queryRunner.query(`
      ALTER TABLE outbox_messages
        ALTER COLUMN message_key TYPE text USING convert_from(message_key, 'UTF8'),
        DROP COLUMN headers,
        ADD COLUMN headers jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }
}
