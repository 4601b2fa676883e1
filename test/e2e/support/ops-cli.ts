/** The operator's CLI (apps/ops, built) run against a test system's topic prefix. */
import { TopicNames } from '@app/messaging';
import { eventually, freePort, testInfrastructure } from '@app/testing';
import { logLevel } from 'kafkajs';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { kafkaClient } from '@app/messaging';

const ROOT = join(__dirname, '..', '..', '..');
const ENTRY = join(ROOT, 'dist', 'apps', 'ops', 'src', 'main.js');

export interface OpsResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The console (`ops console`, built) as a process, on a free port, against a test system. */
export class ConsoleProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(prefix: string, serviceUrls: Record<string, string>): Promise<ConsoleProcess> {
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, [ENTRY, 'console', '--port', String(port)], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        POLY_ENV: 'development',
        KAFKA_BROKERS: testInfrastructure().brokers.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        BILLING_URL: serviceUrls.billing,
        ELIGIBILITY_URL: serviceUrls.eligibility,
        LICENSING_URL: serviceUrls.licensing,
        NOTIFICATIONS_URL: serviceUrls.notifications,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the console exited: ${output}`);
        const response = await fetch(`${url}/sign-in`);
        if (response.status !== 200) throw new Error(`the console answered ${response.status}`);
      },
      30_000,
      200,
    );
    return new ConsoleProcess(url, child);
  }

  /** SIGTERM, then waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** `kafka`: another broker, or credentials (KAFKA_BROKERS, KAFKA_SASL_*), than the tests' one. */
export function runOps(
  prefix: string,
  args: string[],
  kafka: Record<string, string> = {},
): Promise<OpsResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ENTRY, ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          KAFKA_BROKERS: testInfrastructure().brokers.join(','),
          KAFKA_TOPIC_PREFIX: prefix,
          ...kafka,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs a command that must succeed and parses its --json output. */
export async function opsJson<T>(prefix: string, args: string[]): Promise<T> {
  const result = await runOps(prefix, [...args, '--json']);
  if (result.code !== 0) {
    throw new Error(`ops ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

export interface GroupLag {
  group: string;
  state: string;
  members: number;
  partitions: { topic: string; partition: number; committed: string | null; lag: number }[];
  totalLag: number;
}

export async function lagOf(prefix: string, group: string): Promise<GroupLag> {
  const [lag] = await opsJson<GroupLag[]>(prefix, ['lag', '--group', group]);
  return lag;
}

/**
 * A group's state and total lag straight from the broker (what `ops lag` reports, without starting
 * a process and timing records on every poll). The group on the broker carries the topic prefix.
 */
export async function brokerLag(
  prefix: string,
  group: string,
): Promise<{ state: string; lag: number }> {
  const kafka = kafkaClient({
    clientId: 'e2e-lag',
    brokers: testInfrastructure().brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groupId = new TopicNames(prefix).physical(group);
    const {
      groups: [described],
    } = await admin.describeGroups([groupId]);
    let lag = 0;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      const high = new Map(
        (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]),
      );
      for (const p of partitions) {
        const committed = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
        lag += Number((high.get(p.partition) ?? 0n) - committed);
      }
    }
    return { state: described?.state ?? 'Dead', lag };
  } finally {
    await admin.disconnect();
  }
}
