/**
 * `ops outbox` against a real service (billing, as a process, on its own database and topics):
 * a parked row shown through `GET /ops/outbox` with ids and sizes but no payload, an unreachable
 * service named, a token that may not read it refused; and the state's query itself (rows
 * waiting for the relay) on a database no relay drains.
 */
import { messagingMigrations, readOutboxState } from '@app/messaging';
import {
  createTestDatabase,
  createTestTopics,
  queryDatabase,
  ServiceProcess,
  startService,
  TEST_OPS_TOKEN,
  TEST_SUPPORT_TOKEN,
} from '@app/testing';
import { DataSource } from 'typeorm';
import { ConsoleIo } from '../src/cli/console-io';
import { ExitCodes } from '../src/cli/ops-error';
import { runOps } from '../src/ops.program';
import { OutboxState } from '../src/outbox/outbox-state.reader';

const PARKED_ROW = `INSERT INTO outbox_parked (id, topic, partition, message_key, payload, headers,
                                  event_type, created_at, size_bytes, reason)
       VALUES (42, 'billing.dlq.v1', 3, 'acct-2'::bytea, 'secret-payload'::bytea, ''::bytea, NULL,
               now(), 1148664, 'TOO_LARGE: ~1148664 bytes, the relay''s limit is 1000000')`;

describe('ops outbox (a real service and PostgreSQL)', () => {
  let billingDb: string;
  let billing: ServiceProcess;

  beforeAll(async () => {
    const [prefix, url] = await Promise.all([createTestTopics(), createTestDatabase('opsoutbox')]);
    billingDb = url;
    billing = await startService('billing', {
      DATABASE_URL: billingDb,
      KAFKA_TOPIC_PREFIX: prefix,
    });
  });

  afterAll(async () => {
    await billing?.stop();
  });

  async function ops(token: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
    let stdout = '';
    const io: ConsoleIo = {
      out: (text) => (stdout += `${text}\n`),
      err: () => {},
      interactive: false,
    };
    const code = await runOps(args, io, {
      BILLING_URL: billing.url,
      // Nothing listens there: that service's state is a note, the others are still shown.
      ELIGIBILITY_URL: 'http://127.0.0.1:9',
      OPS_API_TOKEN: token,
    });
    return { code, stdout };
  }

  it('shows what a service parked through its API, with ids and sizes but no payload', async () => {
    await queryDatabase(billingDb, PARKED_ROW);

    const json = await ops(TEST_OPS_TOKEN, 'outbox', '--service', 'billing', '--json');
    expect(json.code).toBe(ExitCodes.Parked);
    const [state] = JSON.parse(json.stdout) as OutboxState[];
    expect(state).toMatchObject({ service: 'billing', parked: [{ id: '42' }] });
    expect(state.parked[0]).toMatchObject({
      topic: 'billing.dlq.v1',
      partition: 3,
      eventType: null,
      sizeBytes: 1148664,
      reason: expect.stringMatching(/^TOO_LARGE/),
    });

    const text = await ops(TEST_OPS_TOKEN, 'outbox');
    expect(text.stdout).toMatch(/billing: \d+ waiting for the relay.*, 1 parked/);
    expect(text.stdout).toMatch(/42 +billing\.dlq\.v1 +3 +\(raw\) +1148664/);
    expect(text.stdout).toMatch(/eligibility: eligibility is unreachable/);
    expect(text.stdout).not.toMatch(/secret-payload|acct-/);
  });

  it('is for ops only: a support token is refused and says so', async () => {
    const run = await ops(TEST_SUPPORT_TOKEN, 'outbox', '--service', 'billing');
    expect(run.stdout).toMatch(/billing refused the token \(FORBIDDEN\)/);
  });

  it('exits 0 when nothing is parked', async () => {
    await queryDatabase(billingDb, 'DELETE FROM outbox_parked');
    const run = await ops(TEST_OPS_TOKEN, 'outbox', '--service', 'billing');
    expect(run.code).toBe(ExitCodes.Ok);
    expect(run.stdout).toMatch(/billing: \d+ waiting for the relay.*, 0 parked/);
  });

  it('counts the rows waiting for the relay and the age of the oldest', async () => {
    // A database with the runtime's tables and no relay: the waiting row stays.
    const url = await createTestDatabase('opsoutboxq');
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      migrations: messagingMigrations,
      migrationsTableName: 'schema_migrations',
    });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
      await dataSource.query(
        `INSERT INTO outbox_messages (topic, message_key, payload, headers, event_type, created_at)
         VALUES ('reactivation.billing.v1', 'acct-1'::bytea, 'secret-payload'::bytea, ''::bytea,
                 'OrderPaid', now() - interval '90 seconds')`,
      );
      const state = await readOutboxState(dataSource.manager);
      expect(state.waiting).toBe(1);
      expect(state.oldestWaitingSeconds).toBeGreaterThanOrEqual(90);
      expect(state.parked).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
