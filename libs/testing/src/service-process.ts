import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { nodeFlagsOf, packageRoot } from '@app/platform';
import { testInfrastructure } from './infrastructure';
import { TEST_PII_KEY } from './personal-data';

/** The repository root, from the sources (jest) or from their build in dist/ (the benchmark). */
const ROOT = packageRoot();
export const TEST_LOG_DIR = join(ROOT, '.cache', 'test-logs');
export const TEST_OPS_TOKEN = 'test-ops-token';
export const TEST_SUPPORT_TOKEN = 'test-support-token';

export type ServiceName = 'billing' | 'eligibility' | 'licensing' | 'notifications';

/**
 * The service processes started here and still running: killed when this process exits, however
 * it exits (a test run's end, a fault run aborted while an instance was being restarted), so none
 * outlives the run that started it.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A service running as a real process (built from dist), as in production. */
export class ServiceProcess {
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly env: Record<string, string>,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Graceful: SIGTERM, then waits for the process to drain and exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  /** A crash: SIGKILL, no chance to commit anything. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  log(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  /** An HTTP call with the ops token unless another is given. */
  async http<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = TEST_OPS_TOKEN,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(this.url + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (an HTML page): keep the text
    }
    return { status: response.status, body: parsed as T };
  }
}

export interface StartOptions {
  /** The script to run, relative to the repo root (default: the built service). */
  entry?: string;
  readyPath?: string;
  timeoutMs?: number;
}

/**
 * Starts `dist/apps/<name>/src/main.js` with the test's database and topic prefix and waits until
 * it reports ready (database up, consumer in its group). Its output goes to .cache/test-logs/.
 */
export async function startService(
  name: ServiceName | string,
  env: { DATABASE_URL: string; KAFKA_TOPIC_PREFIX: string } & Record<string, string>,
  options: StartOptions = {},
): Promise<ServiceProcess> {
  const port = env.HTTP_PORT ? Number(env.HTTP_PORT) : await freePort();
  const fullEnv: Record<string, string> = {
    // Says so explicitly: only a development run gets the development secrets.
    POLY_ENV: 'development',
    API_TOKENS: `${TEST_OPS_TOKEN}:ops,${TEST_SUPPORT_TOKEN}:support`,
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: testInfrastructure().brokers.join(','),
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    PII_ENCRYPTION_KEY: TEST_PII_KEY,
    ...env,
    HTTP_PORT: String(port),
  };
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  const logFile = join(TEST_LOG_DIR, `${name}-${fullEnv.KAFKA_TOPIC_PREFIX}${port}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const entry = options.entry ?? `dist/apps/${name}/src/main.js`;
  const child = spawn(process.execPath, [...nodeFlagsOf(name), join(ROOT, entry)], {
    cwd: ROOT,
    // NODE_OPTIONS passes through, e.g. for --cpu-prof or --trace-deprecation.
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: process.env.NODE_OPTIONS ?? '', ...fullEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const service = new ServiceProcess(name, `http://127.0.0.1:${port}`, fullEnv, logFile, child);
  await waitUntilReady(
    service,
    child,
    options.readyPath ?? '/health/ready',
    options.timeoutMs ?? 60_000,
  );
  return service;
}

async function waitUntilReady(
  service: ServiceProcess,
  child: ChildProcess,
  path: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${service.name} exited before ready:\n${tail(service)}`);
    }
    try {
      const response = await fetch(service.url + path);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await service.kill();
  throw new Error(`${service.name} not ready after ${timeoutMs} ms:\n${tail(service)}`);
}

function tail(service: ServiceProcess): string {
  try {
    return service.log().split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
