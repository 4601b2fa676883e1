/**
 * Readiness sees a lost broker: a service that cannot consume is not ready, and is again once
 * the broker is back. The test runs a broker of its OWN (scripts/kafka/kafka.sh on other ports,
 * its own data dir) and kills that one; the shared broker is never touched.
 */
import { ensureTopics } from '@app/messaging';
import {
  createTestDatabase,
  eventually,
  freePort,
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
  let service: ServiceProcess | undefined;

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
    await service?.kill();
    try {
      kafkaSh('kill9');
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('answers 503 on /health/ready within seconds of losing the broker, and 200 again once it is back', async () => {
    const database = await createTestDatabase('readiness');
    service = await startService(
      'probe-readiness',
      {
        DATABASE_URL: database,
        KAFKA_TOPIC_PREFIX: '',
        KAFKA_BROKERS: brokers,
        PROBE_GROUP: GROUP,
      },
      { entry: PROBE },
    );
    const ready = async () => (await service!.http('GET', '/health/ready')).status;
    expect(await ready()).toBe(200);

    kafkaSh('kill9');
    const killedAt = Date.now();
    await eventually(async () => expect(await ready()).toBe(503), 30_000, 200);
    const notReadyAfterMs = Date.now() - killedAt;
    expect(notReadyAfterMs).toBeLessThan(10_000);
    const body = (
      await service.http<{ error?: Record<string, { reason?: string }> }>('GET', '/health/ready')
    ).body;
    expect(body.error?.kafka?.reason).toMatch(/broker|group/);

    kafkaSh('start');
    await eventually(async () => expect(await ready()).toBe(200), 180_000, 500);
  });
});
