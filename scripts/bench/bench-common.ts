/**
 * What every mode of the bench shares: its options, the durable settings it checks, the broker it
 * uses, and small helpers.
 */
import { testInfrastructure } from '@app/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { satisfies } from 'semver';
import { round } from './completion';

/** The repository root (this file runs from dist/scripts/bench). */
export const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dir !== dirname(dir)) dir = dirname(dir);
  return dir;
})();

export interface Options {
  sagas: number;
  rate?: number;
  /** Open loop: seconds of payments at `rate` (sagas = rate × duration). */
  duration?: number;
  /** Also run the hand-written floor, after the product (or before, with floorFirst). */
  floor: boolean;
  floorFirst: boolean;
  floorOnly: boolean;
  /** The floor in one process (as the floor was measured) or one a part, as the product. */
  floorProcesses: 1 | 4;
  json: boolean;
  mode: 'saga' | 'runtime' | 'requests' | 'decode';
  naive: boolean;
  handlers: 'batch' | 'per-event';
  timeout: number;
  concurrency: number;
  /** Saga mode: sagas each system completes, unmeasured, before the measured ones. */
  warmup: number;
}

// ---------------------------------------------------------------------------------------------
/** Where kafka.sh keeps the broker's pid file and properties (KAFKA_RUN_DIR, as kafka.sh reads it). */
const KAFKA_RUN_DIR = process.env.KAFKA_RUN_DIR ?? join(ROOT, '.cache', 'kafka');

export function brokerPid(): number | undefined {
  try {
    return Number(readFileSync(join(KAFKA_RUN_DIR, 'kafka.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Settings that make the figures durable, checked and reported.

export interface Settings {
  postgres: {
    fsync: string;
    synchronous_commit: string;
    max_connections: string;
    autovacuum: string;
  };
  broker: { logFlushIntervalMessages: string | null; partitionsPerTopic: number };
  producerAcks: string;
  load: { before: number[]; after?: number[] };
  cores: number;
  /** The Node.js the bench and the processes it starts run on. */
  node: string;
}

/**
 * The Node.js of package.json's `engines`, or an error: the bench starts every process with the
 * Node it runs on, and figures taken on another one are not the project's (`node dist/…` finds the
 * machine's own Node first unless node_modules/.bin leads the PATH, as under `npm run`).
 */
export function projectNode(): string {
  const wanted = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    }
  ).engines.node;
  if (!satisfies(process.versions.node, wanted)) {
    throw new Error(
      `the bench runs on Node ${wanted} (package.json engines), this is ${process.version}: ` +
        `run it with \`npm run bench -- …\`, or with node_modules/.bin first on the PATH`,
    );
  }
  return process.version;
}

export async function durableSettings(): Promise<Settings> {
  const node = projectNode();
  const client = new Client({ connectionString: testInfrastructure().postgresAdminUrl });
  await client.connect();
  const show = async (name: string) =>
    (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0][name];
  const postgres = {
    fsync: await show('fsync'),
    synchronous_commit: await show('synchronous_commit'),
    max_connections: await show('max_connections'),
    autovacuum: await show('autovacuum'),
  };
  await client.end();
  let flush: string | null = null;
  try {
    const props = readFileSync(join(KAFKA_RUN_DIR, 'server.properties'), 'utf8');
    flush = /^log\.flush\.interval\.messages=(\S+)/m.exec(props)?.[1] ?? null;
  } catch {
    // broker not run by kafka.sh
  }
  if (postgres.fsync !== 'on' || postgres.synchronous_commit !== 'on') {
    throw new Error(`PostgreSQL is not durable: ${JSON.stringify(postgres)}`);
  }
  return {
    postgres,
    broker: { logFlushIntervalMessages: flush, partitionsPerTopic: 6 },
    producerAcks: 'all (-1), idempotent relay producer',
    load: { before: loadavg().map((l) => round(l, 2)) },
    cores: cpus().length,
    node,
  };
}

/**
 * Starts the broker the bench talks to if it is not running: the one of KAFKA_BROKERS (its port
 * becomes kafka.sh's KAFKA_PORT, the controller the next port, unless given), else 9092.
 */
export function ensureBroker(): void {
  const env = { ...process.env };
  const port = /:(\d+)$/.exec(testInfrastructure().brokers[0])?.[1];
  if (port && !env.KAFKA_PORT) {
    env.KAFKA_PORT = port;
    if (port !== '9092') env.KAFKA_CONTROLLER_PORT ??= String(Number(port) + 1);
  }
  execFileSync('bash', [join(ROOT, 'scripts', 'kafka', 'kafka.sh'), 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** `BENCH_ENV_X=v` in the bench's environment sets `X=v` in every service (experiments). */
export function serviceEnvOverrides(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env)
      .filter(([name, value]) => name.startsWith('BENCH_ENV_') && value !== undefined)
      .map(([name, value]) => [name.slice('BENCH_ENV_'.length), value as string]),
  );
}

/**
 * `BENCH_NODE_OPTIONS` (node flags, e.g. the CPU profile preload) for a process of the run, with
 * the name its profile is written under; nothing when it is not set.
 */
export function nodeOptionsEnv(name: string): Record<string, string> {
  const options = process.env.BENCH_NODE_OPTIONS;
  return options ? { NODE_OPTIONS: options, PROFILE_NAME: name } : {};
}

export { round };

export async function inParallel<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

export function log(options: Options, message: string): void {
  if (!options.json) process.stderr.write(`bench: ${message}\n`);
}

export async function scalar(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    return Number(Object.values(rows[0])[0]);
  } finally {
    await client.end();
  }
}
