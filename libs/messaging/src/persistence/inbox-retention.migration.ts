import { MigrationInterface, QueryRunner } from 'typeorm';

/** The inbox pruner deletes by age (inbox/inbox.pruner.ts): oldest first, in bounded batches. */
export class InboxProcessedAtIndex1764500000002 implements MigrationInterface {
  name = 'InboxProcessedAtIndex1764500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Not CONCURRENTLY: migrations run in a transaction, at boot, before the consumer starts.
    await queryRunner.query(
      'CREATE INDEX IF NOT EXISTS inbox_events_processed_at ON inbox_events (processed_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX inbox_events_processed_at');
  }
}
