/**
 * `--mode requests`: what one request costs on this machine, the unit every saga pays per hop.
 * Issue 9 prices them on its author's machine (one kafkajs send ≈ 0.5 ms of Node CPU + 0.3 ms in
 * the broker, one SQL round trip ≈ 0.15 ms); the floor's CPU per saga is roughly its requests per
 * saga times these, so this says whether a gap to the issue's floor is the design or the machine.
 *
 * One at a time, nothing else running: the machine at rest; a kafkajs send of one record and of
 * 100 (acks=all, idempotent producer, one request in flight, as the relays); a hop (a send, and a
 * consumer of the product's fetch settings receiving it); a SQL round trip (`SELECT 1`); a durable
 * commit (BEGIN, one-row INSERT, COMMIT), and the same with BEGIN pipelined; a transaction of two
 * INSERTs one statement at a time, and in two round trips (BEGIN with the first, the second with
 * COMMIT, as pipelinedTransaction sends a consumer's); a 1 KB append with fsync. For each: wall
 * time per request (mean, p50, p99) and CPU ms per request of this process, the broker, the PostgreSQL
 * backend (and of theirs, the part in the kernel: system calls, fsync, the loopback network), and
 * the whole machine.
 */
import { Topics } from '@app/contracts';
import { kafkaClient } from '@app/messaging';
import { createTestDatabase, createTestTopics, testInfrastructure } from '@app/testing';
import { logLevel } from 'kafkajs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { brokerPid, Options, ROOT, round, Settings } from './bench-common';
import { percentile } from './completion';
import { cpuSeconds, machineBusySeconds, systemCpuSeconds } from './process-sampler';

export interface RequestCost {
  what: string;
  count: number;
  wallMs: { mean: number; p50: number; p99: number };
  /** CPU ms per request: this (the client) process, the broker, the PostgreSQL backend, all. */
  cpuMs: Record<string, number>;
}

export interface RequestCostsResult {
  mode: 'requests';
  /** Cores busy with nothing of ours running (/proc/stat over 5 s). */
  coresBusyAtRest: number;
  costs: RequestCost[];
  settings: Settings;
  at: string;
}

/** CPU seconds so far of the processes a measurement watches, and of the machine. */
function cpuNow(pids: Map<string, number>): Map<string, number> {
  const usage = process.cpuUsage();
  const now = new Map<string, number>([
    ['client', (usage.user + usage.system) / 1e6],
    ['machine', machineBusySeconds().busy],
  ]);
  for (const [name, pid] of pids) {
    now.set(name, cpuSeconds(pid) ?? 0);
    now.set(`${name} in the kernel`, systemCpuSeconds(pid) ?? 0);
  }
  return now;
}

/** Runs `op` `count` times, one after another, after `count / 10` unmeasured ones. */
async function measure(
  what: string,
  count: number,
  pids: Map<string, number>,
  op: () => Promise<void>,
): Promise<RequestCost> {
  for (let i = 0; i < Math.ceil(count / 10); i++) await op();
  const walls: number[] = [];
  const before = cpuNow(pids);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op();
    walls.push(performance.now() - t);
  }
  const elapsed = performance.now() - started;
  const after = cpuNow(pids);
  walls.sort((a, b) => a - b);
  return {
    what,
    count,
    wallMs: {
      mean: round(elapsed / count, 3),
      p50: round(percentile(walls, 50), 3),
      p99: round(percentile(walls, 99), 3),
    },
    cpuMs: Object.fromEntries(
      [...after].map(([name, seconds]) => [
        name,
        round(((seconds - (before.get(name) ?? 0)) * 1000) / count, 3),
      ]),
    ),
  };
}

async function coresBusyAtRest(seconds: number): Promise<number> {
  const before = machineBusySeconds().busy;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return round((machineBusySeconds().busy - before) / seconds, 3);
}

export async function runRequestCosts(
  options: Options,
  settings: Settings,
): Promise<RequestCostsResult> {
  const n = options.sagas;
  const broker = brokerPid();
  const [prefix, databaseUrl] = await Promise.all([
    createTestTopics(['bench-requests']),
    createTestDatabase('benchrequests'),
  ]);
  const atRest = await coresBusyAtRest(5);
  const costs: RequestCost[] = [];
  const topic = prefix + Topics.ReactivationBilling;
  const kafka = kafkaClient({
    clientId: 'bench-requests',
    brokers: testInfrastructure().brokers,
    logLevel: logLevel.NOTHING,
  });
  // The relays' producer settings.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${prefix}bench-requests`, maxWaitTimeInMs: 1000 });
  const db = new Client({ connectionString: databaseUrl });
  const pipelined = new Client({ connectionString: databaseUrl, pipeline: true });
  const value = 'x'.repeat(1000); // about one saga event
  const kafkaPids = new Map(broker ? [['broker', broker]] : []);
  try {
    await producer.connect();
    const send = (records: number, to = topic) =>
      producer
        .send({
          topic: to,
          acks: -1,
          messages: Array.from({ length: records }, () => ({ partition: 0, value })),
        })
        .then(() => undefined);
    costs.push(
      await measure('kafka send: 1 record (acks=all)', n, kafkaPids, () => send(1)),
      await measure('kafka send: 100 records in one request', Math.ceil(n / 10), kafkaPids, () =>
        send(100),
      ),
    );

    // A hop: the record sent, then received by a consumer that long-polls as the services do (on
    // a topic of its own, read from the beginning, so that no record it waits for is skipped).
    const hopTopic = prefix + Topics.ReactivationEligibility;
    let arrived: (() => void) | undefined;
    await consumer.connect();
    await consumer.subscribe({ topics: [hopTopic], fromBeginning: true });
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.run({
      eachMessage: async () => {
        arrived?.();
      },
    });
    await joined;
    costs.push(
      await measure('kafka hop: 1 record sent and fetched', Math.ceil(n / 4), kafkaPids, () => {
        const received = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('a hop took over 10 s')), 10_000);
          arrived = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        return send(1, hopTopic).then(() => received);
      }),
    );

    await db.connect();
    const backend = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const pgPids = new Map([['postgres', backend]]);
    await db.query('CREATE TABLE requests (id bigserial PRIMARY KEY, value text NOT NULL)');
    const insert = 'INSERT INTO requests (value) VALUES ($1)';
    costs.push(
      await measure('sql: SELECT 1', n * 2, pgPids, () =>
        db.query('SELECT 1').then(() => undefined),
      ),
      await measure('sql: BEGIN, one-row INSERT, COMMIT (durable)', n, pgPids, async () => {
        await db.query('BEGIN');
        await db.query(insert, [value]);
        await db.query('COMMIT');
      }),
    );
    // The same on a pipelining connection, BEGIN sent with the INSERT (pipelinedTransaction).
    await pipelined.connect();
    const pipelinedPids = new Map([
      [
        'postgres',
        (await pipelined.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid,
      ],
    ]);
    costs.push(
      await measure(
        'sql: the same, BEGIN pipelined with the INSERT',
        n,
        pipelinedPids,
        async () => {
          await Promise.all([pipelined.query('BEGIN'), pipelined.query(insert, [value])]);
          await pipelined.query('COMMIT');
        },
      ),
      // A consumer's transaction has two ends: its first statement (the inbox claim) and its last
      // (the outbox write). pipelinedTransaction sends BEGIN with the one and COMMIT with the other.
      await measure(
        'sql: BEGIN, two one-row INSERTs, COMMIT, one at a time',
        n,
        pipelinedPids,
        async () => {
          await pipelined.query('BEGIN');
          await pipelined.query(insert, [value]);
          await pipelined.query(insert, [value]);
          await pipelined.query('COMMIT');
        },
      ),
      await measure(
        'sql: the same in two round trips, BEGIN with the first INSERT, the second with COMMIT',
        n,
        pipelinedPids,
        async () => {
          await Promise.all([pipelined.query('BEGIN'), pipelined.query(insert, [value])]);
          await Promise.all([pipelined.query(insert, [value]), pipelined.query('COMMIT')]);
        },
      ),
    );

    // What the durable settings pay per append: the broker fsyncs every one, PostgreSQL its WAL at
    // every commit. On the disk the broker's data is on (the repository's .cache).
    const path = join(ROOT, '.cache', `bench-requests-${process.pid}.bin`);
    const file = await open(path, 'w');
    try {
      const block = Buffer.alloc(1000, 'x');
      costs.push(
        await measure('disk: 1 KB appended and fsynced', n, new Map(), async () => {
          await file.write(block);
          await file.sync();
        }),
      );
    } finally {
      await file.close();
      await rm(path, { force: true });
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await db.end().catch(() => undefined);
    await pipelined.end().catch(() => undefined);
  }
  return {
    mode: 'requests',
    coresBusyAtRest: atRest,
    costs,
    settings,
    at: new Date().toISOString(),
  };
}

export function printRequestCosts(r: RequestCostsResult): void {
  const lines = [
    `machine at rest: ${r.coresBusyAtRest} cores busy`,
    ...r.costs.map(
      (c) =>
        `${c.what}: ${c.count} one after another, wall ms mean ${c.wallMs.mean} p50 ${c.wallMs.p50} p99 ${c.wallMs.p99}; CPU ms each: ${Object.entries(
          c.cpuMs,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
