/**
 * `ops outbox` against the real PostgreSQL: a service database with the runtime's tables, rows
 * waiting for the relay and a row the relay parked.
 */
import { messagingMigrations } from '@app/messaging';
import { createTestDatabase, queryDatabase } from '@app/testing';
import { DataSource } from 'typeorm';
import { ConsoleIo } from '../src/cli/console-io';
import { ExitCodes } from '../src/cli/ops-error';
import { runOps } from '../src/ops.program';
import { OutboxState } from '../src/outbox/outbox-state.reader';

describe('ops outbox (real PostgreSQL)', () => {
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('opsoutbox');
    const dataSource = new DataSource({
      type: 'postgres',
      url: databaseUrl,
      migrations: messagingMigrations,
      migrationsTableName: 'schema_migrations',
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
  });

  async function ops(...args: string[]): Promise<{ code: number; stdout: string }> {
    let stdout = '';
    const io: ConsoleIo = {
      out: (text) => (stdout += `${text}\n`),
      err: () => {},
      interactive: false,
    };
    const code = await runOps(args, io, {
      BILLING_DATABASE_URL: databaseUrl,
      ELIGIBILITY_DATABASE_URL: databaseUrl.replace(/\/[^/]*$/, '/ops_test_no_such_database'),
    });
    return { code, stdout };
  }

  it('shows what waits for the relay and what it parked, with ids and sizes but no payload', async () => {
    await queryDatabase(
      databaseUrl,
      `INSERT INTO outbox_messages (topic, message_key, payload, headers, event_type, created_at)
       VALUES ('reactivation.billing.v1', 'acct-1'::bytea, 'secret-payload'::bytea, ''::bytea,
               'OrderPaid', now() - interval '90 seconds')`,
    );
    await queryDatabase(
      databaseUrl,
      `INSERT INTO outbox_parked (id, topic, partition, message_key, payload, headers, event_type,
                                  created_at, size_bytes, reason)
       VALUES (42, 'billing.dlq.v1', 3, 'acct-2'::bytea, 'secret-payload'::bytea, ''::bytea, NULL,
               now(), 1148664, 'TOO_LARGE: ~1148664 bytes, the relay''s limit is 1000000')`,
    );

    const json = await ops('outbox', '--service', 'billing', '--json');
    expect(json.code).toBe(ExitCodes.Parked);
    const [billing] = JSON.parse(json.stdout) as OutboxState[];
    expect(billing).toMatchObject({ service: 'billing', waiting: 1, parked: [{ id: '42' }] });
    expect(billing.oldestWaitingSeconds).toBeGreaterThanOrEqual(90);
    expect(billing.parked[0]).toMatchObject({
      topic: 'billing.dlq.v1',
      partition: 3,
      eventType: null,
      sizeBytes: 1148664,
      reason: expect.stringMatching(/^TOO_LARGE/),
    });

    const text = await ops('outbox');
    expect(text.stdout).toMatch(/billing: 1 waiting for the relay \(oldest 1m 3\ds\), 1 parked/);
    expect(text.stdout).toMatch(/42 +billing\.dlq\.v1 +3 +\(raw\) +1148664/);
    expect(text.stdout).toMatch(/eligibility: no such database/);
    expect(text.stdout).not.toMatch(/secret-payload|acct-/);
  });

  it('exits 0 when nothing is parked', async () => {
    await queryDatabase(databaseUrl, 'DELETE FROM outbox_parked');
    const run = await ops('outbox', '--service', 'billing');
    expect(run.code).toBe(ExitCodes.Ok);
    expect(run.stdout).toMatch(/billing: 1 waiting for the relay .*, 0 parked/);
  });
});
