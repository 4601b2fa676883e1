import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEFAULT_LOCAL_POSTGRES } from './infrastructure';
import { dropDatabases, TEST_DATABASE_PREFIX } from './databases';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs once before the integration tests: builds the services (tests run them as real
 * processes), brings up a broker and a database, and drops databases left by earlier runs.
 */
export default async function globalSetup(): Promise<void> {
  build();
  if (!process.env.KAFKA_BROKERS || !process.env.TEST_POSTGRES_URL) {
    if (await dockerAnswers()) await startContainers();
    else startLocal();
  }
  await dropStaleDatabases(process.env.TEST_POSTGRES_URL ?? DEFAULT_LOCAL_POSTGRES);
}

function build(): void {
  // Incremental; emits even when another file being edited has a type error (tsc's default).
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) console.warn('\n[test setup] build reported errors (see above)');
}

async function dockerAnswers(): Promise<boolean> {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Machines with Docker: a Kafka and a PostgreSQL container for this run. */
async function startContainers(): Promise<void> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const [kafka, postgres] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new PostgreSqlContainer('postgres:15').start(),
  ]);
  process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  process.env.TEST_POSTGRES_URL = postgres.getConnectionUri();
  (globalThis as { __containers?: unknown[] }).__containers = [kafka, postgres];
}

/** This project's machines: the project's own broker (idempotent start) and local PostgreSQL. */
function startLocal(): void {
  execFileSync('bash', [join(ROOT, 'scripts/kafka/kafka.sh'), 'start'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.env.KAFKA_BROKERS ??= '127.0.0.1:9092';
  process.env.TEST_POSTGRES_URL ??= DEFAULT_LOCAL_POSTGRES;
}

async function dropStaleDatabases(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  let stale: string[];
  try {
    // Only databases older than an hour: another run may be using newer ones. A database another
    // run is creating or dropping at this moment has no files yet (or any more): missing_ok.
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1
         AND (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification < now() - interval '1 hour'`,
      [`${TEST_DATABASE_PREFIX}%`],
    );
    stale = rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
  await dropDatabases(adminUrl, stale, true);
}
