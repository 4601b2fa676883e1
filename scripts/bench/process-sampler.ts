/**
 * What the processes of a bench run cost: peak RSS and CPU time per process (from /proc), of the
 * PostgreSQL backends serving the run's databases, and of the whole machine (/proc/stat).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { brokerPid, round } from './bench-common';

const CLK_TCK = 100; // /proc/<pid>/stat and /proc/stat ticks per second on Linux

// Process sampling: peak RSS (VmRSS every 200 ms) and CPU time (utime + stime) per process.

export class ProcessSampler {
  private readonly peakRssMb = new Map<string, number>();
  private readonly cpuAtMark = new Map<string, number>();
  private readonly threadsAtMark = new Map<string, Map<string, { seconds: number }>>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: Map<string, number>) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 200);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  /** Starts the measured window for CPU time. */
  mark(): void {
    for (const [name, pid] of this.pids) {
      this.cpuAtMark.set(name, cpuSeconds(pid) ?? 0);
      this.threadsAtMark.set(name, threadCpuSeconds(pid));
    }
  }

  peakRss(): Record<string, number> {
    return Object.fromEntries(
      [...this.pids.keys()].map((name) => [name, this.peakRssMb.get(name) ?? 0]),
    );
  }

  /** CPU seconds since mark(). */
  cpuSinceMark(): Record<string, number> {
    return Object.fromEntries(
      [...this.pids].map(([name, pid]) => [
        name,
        round((cpuSeconds(pid) ?? 0) - (this.cpuAtMark.get(name) ?? 0), 2),
      ]),
    );
  }

  /**
   * CPU seconds since mark() of each Node process's threads by group (`billing: main thread`, …),
   * for the processes whose threads Node named (Node 24; a JVM's are not).
   */
  threadCpuSinceMark(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [name, pid] of this.pids) {
      const atMark = this.threadsAtMark.get(name) ?? new Map<string, { seconds: number }>();
      const byGroup = new Map<string, number>();
      // The threads alive now, from the mark or from their start (those that ended are lost).
      for (const [tid, { group, seconds }] of threadCpuSeconds(pid)) {
        byGroup.set(group, (byGroup.get(group) ?? 0) + seconds - (atMark.get(tid)?.seconds ?? 0));
      }
      if (!byGroup.has('main thread')) continue;
      for (const [group, seconds] of byGroup) {
        if (round(seconds, 2) > 0) result[`${name}: ${group}`] = round(seconds, 2);
      }
    }
    return result;
  }

  private sample(): void {
    for (const [name, pid] of this.pids) {
      const rss = rssMb(pid);
      if (rss !== undefined && rss > (this.peakRssMb.get(name) ?? 0)) this.peakRssMb.set(name, rss);
    }
  }
}

export function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024, 1) : undefined;
  } catch {
    return undefined;
  }
}

export function cpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** Of those, the time spent in the kernel on the process's behalf (stime). */
export function systemCpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${pid}/stat`, 'system');
}

/** utime + stime (or stime alone) of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file, s. */
function statCpuSeconds(path: string, part: 'all' | 'system' = 'all'): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the command name (which may contain spaces) start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime] = [Number(fields[11]), Number(fields[12])]; // fields 14 and 15
    return (part === 'system' ? stime : utime + stime) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/**
 * A Node process's threads by what they do, from the names Node gives them
 * (/proc/<pid>/task/<tid>/comm): its main thread, its worker_threads (notifications' SMTP sender),
 * V8's helper threads (garbage collection, compilation) and the rest (libuv's pool, timers).
 */
function threadGroupOf(name: string): string {
  if (name === 'MainThread') return 'main thread';
  if (name === 'WorkerThread') return 'worker threads';
  if (name === 'V8Worker') return 'V8 helper threads';
  return 'other threads';
}

/** CPU seconds so far of each of a process's threads, by thread id, with its group (threadGroupOf). */
export function threadCpuSeconds(pid: number): Map<string, { group: string; seconds: number }> {
  const threads = new Map<string, { group: string; seconds: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    let name: string;
    try {
      name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue; // the thread ended meanwhile
    }
    const seconds = statCpuSeconds(`/proc/${pid}/task/${tid}/stat`);
    if (seconds !== undefined) threads.set(tid, { group: threadGroupOf(name), seconds });
  }
  return threads;
}

/**
 * Busy CPU seconds of the whole machine so far (every core: user, nice, system, irq, steal), and
 * of them `steal`: the time the hypervisor gave this VM's cores to others (a noisy neighbour slows
 * every process of a run without showing in any of them).
 */
export function machineBusySeconds(): { busy: number; steal: number } {
  return machineCpuOf(readFileSync('/proc/stat', 'utf8').split('\n')[0]);
}

/** The busy and stolen seconds of /proc/stat's first line (`cpu  user nice system idle …`). */
export function machineCpuOf(line: string): { busy: number; steal: number } {
  const [user, nice, system, , , irq, softirq, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { busy: (user + nice + system + irq + softirq + steal) / CLK_TCK, steal: steal / CLK_TCK };
}

/** How often BackendCpu reads the backends' CPU while a run is measured. */
const BACKEND_POLL_MS = 1000;

/**
 * CPU seconds of the PostgreSQL backends serving `databases` (the run's own, not other work on a
 * shared server; label → database name) from a mark on: those present at the mark, measured from
 * it, and any that came later, from their start. Read every second and at the end, so a backend
 * that ends within the run keeps what it used up to its last reading: a pool closes a connection
 * idle for 10 s (node-postgres's default), and a backend read only at the end lost everything it
 * had done before.
 */
export class BackendCpu {
  /** Each backend seen since the mark: its CPU at the mark (0 if it started later), and lately. */
  private readonly seen = new Map<number, { label: string; atMark: number; last: number }>();
  /** Per label, the time of backends whose pid a later backend took. */
  private readonly ended = new Map<string, number>();
  private readonly labelOf: Map<string, string>;
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly adminUrl: string,
    databases: Record<string, string>,
  ) {
    this.labelOf = new Map(Object.entries(databases).map(([label, db]) => [db, label]));
  }

  async mark(): Promise<void> {
    this.client = new Client({ connectionString: this.adminUrl });
    await this.client.connect();
    for (const { pid, label, seconds } of await this.backends()) {
      this.seen.set(pid, { label, atMark: seconds, last: seconds });
    }
    this.timer = setInterval(() => {
      this.poll().catch(() => undefined); // the next reading, or the final one, tries again
    }, BACKEND_POLL_MS).unref();
  }

  /** Reads every backend's CPU now (one reading at a time). */
  poll(): Promise<void> {
    this.reading = this.reading.catch(() => undefined).then(() => this.read());
    return this.reading;
  }

  /** Seconds since the mark, in all and per database label when there are several; stops reading. */
  async sinceMark(): Promise<Record<string, number>> {
    clearInterval(this.timer);
    await this.poll();
    await this.stop();
    const perLabel = new Map(this.ended);
    for (const { label, atMark, last } of this.seen.values()) {
      perLabel.set(label, (perLabel.get(label) ?? 0) + last - atMark);
    }
    const total = [...perLabel.values()].reduce((sum, seconds) => sum + seconds, 0);
    return {
      'postgres (run databases)': round(total, 2),
      ...(perLabel.size > 1
        ? Object.fromEntries(
            [...perLabel].map(([label, seconds]) => [`postgres: ${label}`, round(seconds, 2)]),
          )
        : {}),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }

  private async read(): Promise<void> {
    for (const { pid, label, seconds } of await this.backends()) {
      const known = this.seen.get(pid);
      if (known && seconds >= known.last) {
        known.last = seconds;
      } else {
        if (known) {
          // Another backend under an ended one's pid: the ended one's time stays counted.
          this.ended.set(
            known.label,
            (this.ended.get(known.label) ?? 0) + known.last - known.atMark,
          );
        }
        this.seen.set(pid, { label, atMark: 0, last: seconds });
      }
    }
  }

  private async backends(): Promise<{ pid: number; label: string; seconds: number }[]> {
    if (!this.client) return [];
    const { rows } = await this.client.query<{ pid: number; datname: string }>(
      `SELECT pid, datname FROM pg_stat_activity
        WHERE datname = ANY($1) AND pid <> pg_backend_pid()`,
      [[...this.labelOf.keys()]],
    );
    return rows.flatMap(({ pid, datname }) => {
      const seconds = cpuSeconds(pid);
      return seconds === undefined ? [] : [{ pid, label: this.labelOf.get(datname)!, seconds }];
    });
  }
}

/** Committed transactions per database so far (pg_stat_database.xact_commit). */
export async function committedTransactions(
  adminUrl: string,
  databases: string[],
): Promise<Record<string, number>> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // The statistics collector reports with a delay: ask for a fresh snapshot.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ datname: string; xact_commit: string }>(
      'SELECT datname, xact_commit FROM pg_stat_database WHERE datname = ANY($1)',
      [databases],
    );
    return Object.fromEntries(rows.map((row) => [row.datname, Number(row.xact_commit)]));
  } finally {
    await client.end();
  }
}

/**
 * A run's costs from a mark on: each process and the broker (peak RSS, CPU), the PostgreSQL
 * backends of the run's databases, and the whole machine.
 */
export class RunCosts {
  private readonly sampler: ProcessSampler;
  private readonly backends: BackendCpu;
  private machineAtMark = { busy: 0, steal: 0 };

  constructor(processes: Map<string, number>, adminUrl: string, databases: Record<string, string>) {
    const pids = new Map(processes);
    const broker = brokerPid();
    if (broker) pids.set('kafka-broker', broker);
    this.sampler = new ProcessSampler(pids);
    this.backends = new BackendCpu(adminUrl, databases);
  }

  start(): void {
    this.sampler.start();
  }

  stop(): void {
    this.sampler.stop();
    void this.backends.stop();
  }

  async mark(): Promise<void> {
    await this.backends.mark();
    this.sampler.mark();
    this.machineAtMark = machineBusySeconds();
  }

  peakRss(): Record<string, number> {
    return this.sampler.peakRss();
  }

  /** CPU seconds since mark() of the Node processes' threads, by group (ProcessSampler). */
  threadCpuSinceMark(): Record<string, number> {
    return this.sampler.threadCpuSinceMark();
  }

  /**
   * CPU seconds since mark(): each process, PostgreSQL, `others` (measured by the caller), the
   * time stolen by the hypervisor, the machine (steal included).
   */
  async cpuSinceMark(others: Record<string, number> = {}): Promise<Record<string, number>> {
    const now = machineBusySeconds();
    return {
      ...this.sampler.cpuSinceMark(),
      ...(await this.backends.sinceMark()),
      ...others,
      'machine: steal': round(now.steal - this.machineAtMark.steal, 2),
      machine: round(now.busy - this.machineAtMark.busy, 2),
    };
  }
}
