/**
 * The fault suite's own broker and its own PostgreSQL cluster: it kills the one and stops the
 * other, so it never uses the shared ones (other test runs and engineers depend on them).
 * Both run with durable settings: the broker fsyncs every append (kafka.sh), PostgreSQL runs
 * with fsync and synchronous_commit on.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const exec = promisify(execFile);

/** The repository root, from the sources (jest) or their build in dist/. */
export const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dir !== dirname(dir)) dir = dirname(dir);
  return dir;
})();

const KAFKA_SH = join(ROOT, 'scripts', 'kafka', 'kafka.sh');

/**
 * What must go when the run ends however it ends (the CLI runs these on a signal or a crash):
 * the broker runs in its own session and PostgreSQL as a daemon, so neither dies with this process.
 */
export const teardowns = new Map<object, () => Promise<void>>();

export async function tearDownEverything(): Promise<void> {
  for (const teardown of [...teardowns.values()].reverse()) await teardown().catch(() => undefined);
}

/** A Kafka broker of kafka.sh on its own ports and data directory. */
export class OwnBroker {
  private constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    readonly runDir: string,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /**
   * `prefix`: the topics' prefix (KAFKA_TOPIC_PREFIX); kafka.sh creates them with it.
   * `settings`: more of kafka.sh's variables (KAFKA_SECURE=true and its users).
   */
  static async start(
    port: number,
    controllerPort: number,
    runDir: string,
    prefix: string,
    settings: Record<string, string> = {},
  ): Promise<OwnBroker> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...settings,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_RUN_DIR: runDir,
      KAFKA_DATA_DIR: join(runDir, 'data'),
      KAFKA_HEAP: process.env.CHAOS_KAFKA_HEAP ?? '-Xms256m -Xmx768m',
      KAFKA_TOPIC_PREFIX: prefix,
    };
    const broker = new OwnBroker(port, env, runDir);
    teardowns.set(broker, () => broker.destroy());
    try {
      await broker.kafkaSh('start');
    } catch (error) {
      await broker.destroy().catch(() => undefined);
      throw error;
    }
    return broker;
  }

  /** SIGKILL: the page cache survives, the process and its sockets do not. */
  async kill9(): Promise<void> {
    await this.kafkaSh('kill9');
  }

  /** Starts it again on the same data (waits until it answers clients). */
  async restart(): Promise<void> {
    await this.kafkaSh('start');
  }

  async destroy(): Promise<void> {
    await this.kafkaSh('stop');
    rmSync(this.runDir, { recursive: true, force: true });
    teardowns.delete(this);
  }

  private async kafkaSh(command: string): Promise<void> {
    await exec('bash', [KAFKA_SH, command], { cwd: ROOT, env: this.env, timeout: 300_000 });
  }
}

/**
 * A PostgreSQL cluster of its own in a temporary directory, run as the `postgres` OS user when
 * this process is root (postgres refuses to run as root). Trust authentication on 127.0.0.1.
 */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly bin: string,
  ) {}

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(port: number): Promise<OwnPostgres> {
    const bin = process.env.CHAOS_PG_BIN ?? postgresBin();
    const dir = mkdtempSync(join(tmpdir(), 'chaos-pg-'));
    chmodSync(dir, 0o700);
    const postgres = new OwnPostgres(port, dir, bin);
    teardowns.set(postgres, () => postgres.destroy());
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    try {
      await postgres.setUp();
    } catch (error) {
      await postgres.destroy();
      throw error;
    }
    return postgres;
  }

  private async setUp(): Promise<void> {
    const dir = this.dir;
    await this.run('initdb', [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    await this.pgCtl(['start', '-w', '-t', '60']);
    await this.checkDurable();
  }

  /** The fault: no checkpoint, no goodbye to clients; the next start replays the WAL. */
  async stopImmediate(): Promise<void> {
    await this.pgCtl(['stop', '-m', 'immediate', '-w']);
  }

  async start(): Promise<void> {
    await this.pgCtl(['start', '-w', '-t', '120']);
  }

  async destroy(): Promise<void> {
    try {
      await this.pgCtl(['stop', '-m', 'fast', '-w']);
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
    teardowns.delete(this);
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  private async checkDurable(): Promise<void> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      for (const setting of ['fsync', 'synchronous_commit']) {
        const { rows } = await client.query<Record<string, string>>(`SHOW ${setting}`);
        if (rows[0][setting] !== 'on') throw new Error(`own PostgreSQL: ${setting} is not on`);
      }
    } finally {
      await client.end();
    }
  }

  private pgCtl(args: string[]): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c fsync=on',
      '-c synchronous_commit=on',
      '-c full_page_writes=on',
      // Two instances of four services (pool of 10, relay, sweeps) and the suite's own reads.
      '-c max_connections=300',
      '-c shared_buffers=64MB',
    ].join(' ');
    return this.run('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'postgres.log'),
      '-o',
      options,
      ...args,
    ]);
  }

  private async run(program: string, args: string[]): Promise<void> {
    const options = { cwd: this.dir, timeout: 180_000 };
    const path = join(this.bin, program);
    if (process.getuid?.() === 0) {
      await exec('runuser', ['-u', 'postgres', '--', path, ...args], options);
    } else {
      await exec(path, args, options);
    }
  }
}

/** The newest installed PostgreSQL's binaries (Debian layout), else whatever is on PATH. */
function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = execFileSync('ls', [base], { encoding: 'utf8' })
      .split('\n')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(a) - Number(b));
    const newest = versions[versions.length - 1];
    if (newest) return join(base, newest, 'bin');
  }
  return dirname(execFileSync('which', ['pg_ctl'], { encoding: 'utf8' }).trim());
}
