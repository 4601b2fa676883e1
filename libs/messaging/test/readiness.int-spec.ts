/**
 * Readiness sees a lost broker: a service that cannot consume or publish is not ready, and is
 * again once the broker is back. The test runs a broker of its OWN (scripts/kafka/kafka.sh on other ports,
 * its own data dir) and kills that one; the shared broker is never touched.
 */
import { ensureTopics } from '@app/messaging';
import {
  createTestDatabase,
  eventually,
  freePort,
  queryDatabase,
  ServiceProcess,
  startService,
} from '@app/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'kafka', 'kafka.sh');
const PROBE = 'dist/libs/testing/src/probe/probe.js';
const GROUP = 'probe-readiness';

describe('readiness with a broker that dies (own broker, real PostgreSQL, probe process)', () => {
  let runDir: string;
  let env: NodeJS.ProcessEnv;
  let brokers: string;
  const running: ServiceProcess[] = [];

  const kafkaSh = (command: string) =>
    execFileSync('bash', [SCRIPT, command], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 300_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  beforeAll(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'rt-readiness-kafka-'));
    const port = await freePort();
    const controllerPort = await freePort();
    brokers = `127.0.0.1:${port}`;
    env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_RUN_DIR: runDir,
      KAFKA_DATA_DIR: join(runDir, 'data'),
      KAFKA_HEAP: '-Xms256m -Xmx512m',
      KAFKA_TOPIC_PREFIX: '',
    };
    kafkaSh('start');
    // The probe group's dead-letter topic; topics created a moment ago may not be in every
    // metadata answer yet.
    await eventually(
      async () => {
        const checks = await ensureTopics([brokers], '', [GROUP]);
        expect(checks.filter((check) => check.problems.length > 0)).toEqual([]);
      },
      60_000,
      1000,
    );
  }, 400_000);

  afterAll(async () => {
    await Promise.all(running.map((service) => service.kill()));
    try {
      kafkaSh('kill9');
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('answers 503 on /health/ready within seconds of losing the broker (a consumer mid-batch, a producer with unpublished events), and 200 again once it is back', async () => {
    const consumerDb = await createTestDatabase('readiness');
    const producerDb = await createTestDatabase('readinessout');
    const common = { KAFKA_TOPIC_PREFIX: '', KAFKA_BROKERS: brokers };
    const consumer = await startService(
      'probe-readiness',
      { ...common, DATABASE_URL: consumerDb, PROBE_GROUP: GROUP },
      { entry: PROBE },
    );
    running.push(consumer);
    const producer = await startService(
      'probe-readiness-producer',
      {
        ...common,
        DATABASE_URL: producerDb,
        PROBE_GROUP: 'probe-readiness-producer',
        PROBE_ROLE: 'producer',
        READY_MAX_OUTBOX_AGE_S: '3',
      },
      { entry: PROBE },
    );
    running.push(producer);
    const ready = async (service: ServiceProcess) =>
      (await service.http('GET', '/health/ready')).status;
    const emit = async () =>
      expect((await producer.http('POST', '/probe/emit', { count: 1 })).status).toBe(201);
    expect(await ready(consumer)).toBe(200);
    expect(await ready(producer)).toBe(200);

    // The consumer is busy: its handler's table refuses writes (53300), so it holds the event
    // and retries, fetching nothing, when the broker goes.
    await queryDatabase(
      consumerDb,
      `CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'sorry, too many clients already' USING ERRCODE = '53300'; END $$;
       CREATE TRIGGER test_fault BEFORE INSERT ON probe_effects
         FOR EACH ROW EXECUTE FUNCTION test_fault();`,
    );
    await emit();
    await eventually(async () => expect(await retriesOf(consumer)).toBeGreaterThan(0), 30_000);

    kafkaSh('kill9');
    const killedAt = Date.now();
    await eventually(async () => expect(await ready(consumer)).toBe(503), 30_000, 200);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const body = (
      await consumer.http<{ error?: Record<string, { reason?: string }> }>('GET', '/health/ready')
    ).body;
    expect(body.error?.kafka?.reason).toMatch(/broker|group/);

    // The producer commits an event its relay cannot publish.
    await emit();
    const emittedAt = Date.now();
    await eventually(async () => expect(await ready(producer)).toBe(503), 30_000, 200);
    expect(Date.now() - emittedAt).toBeLessThan(15_000);

    await queryDatabase(consumerDb, 'DROP TRIGGER test_fault ON probe_effects');
    kafkaSh('start');
    await eventually(async () => expect(await ready(consumer)).toBe(200), 180_000, 500);
    await eventually(async () => expect(await ready(producer)).toBe(200), 180_000, 500);
  });
});

async function retriesOf(service: ServiceProcess): Promise<number> {
  const metrics = await service.http<string>('GET', '/metrics');
  const match = /^messaging_retries_total (\d+)/m.exec(metrics.body);
  return match ? Number(match[1]) : 0;
}
