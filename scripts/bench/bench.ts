/**
 * `npm run bench`: the project's own benchmark (SPEC section 9).
 *
 *   node dist/scripts/bench/bench.js [--sagas N] [--rate R] [--json]    whole sagas, four services
 *   node dist/scripts/bench/bench.js --mode runtime [--sagas N]          the runtime alone (probe)
 *   node dist/scripts/bench/bench.js --naive [--sagas N]                 runtime vs stock Nest Kafka
 *
 * Saga mode: fresh databases and topic prefix, the four built services as processes with their
 * production settings, N suspended accounts imported through licensing's API, N orders placed
 * through billing's API (setup, not measured), then N signed PaymentCaptured published (as fast as
 * possible or at --rate per second) and the time each OrderFulfilled arrives on
 * reactivation.billing.v1. Durable settings only: the relay produces with acks=all, the broker
 * fsyncs every append (kafka.sh), PostgreSQL runs with fsync and synchronous_commit on (checked
 * and reported).
 */
import {
  EventSources,
  OrderFulfilled,
  PaymentCaptured,
  SIGNATURE_HEADER,
  signPayload,
  Topics,
} from '@app/contracts';
import { createEvent } from '@app/messaging';
import {
  createTestDatabase,
  createTestTopics,
  freePort,
  ServiceName,
  ServiceProcess,
  startService,
  testInfrastructure,
  TEST_OPS_TOKEN,
} from '@app/testing';
import { Command, Option } from 'commander';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';

/** The repository root (this file runs from dist/scripts/bench). */
const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dir !== dirname(dir)) dir = dirname(dir);
  return dir;
})();
const SERVICES: ServiceName[] = ['billing', 'eligibility', 'licensing', 'notifications'];
const UPSTREAM_SECRET = `bench-${randomUUID()}`;
const PROBE = 'dist/libs/testing/src/probe/probe.js';
const NAIVE = 'dist/scripts/bench/naive/naive-consumer.js';
const CLK_TCK = 100; // /proc/<pid>/stat ticks per second on Linux

interface Options {
  sagas: number;
  rate?: number;
  json: boolean;
  mode: 'saga' | 'runtime';
  naive: boolean;
  handlers: 'batch' | 'per-event';
  timeout: number;
  concurrency: number;
}

// ---------------------------------------------------------------------------------------------
// Process sampling: peak RSS (VmRSS every 200 ms) and CPU time (utime + stime) per process.

class ProcessSampler {
  private readonly peakRssMb = new Map<string, number>();
  private readonly cpuAtMark = new Map<string, number>();
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
    for (const [name, pid] of this.pids) this.cpuAtMark.set(name, cpuSeconds(pid) ?? 0);
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

  private sample(): void {
    for (const [name, pid] of this.pids) {
      const rss = rssMb(pid);
      if (rss !== undefined && rss > (this.peakRssMb.get(name) ?? 0)) this.peakRssMb.set(name, rss);
    }
  }
}

function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024, 1) : undefined;
  } catch {
    return undefined;
  }
}

function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime (14), stime (15)
  } catch {
    return undefined;
  }
}

function brokerPid(): number | undefined {
  try {
    return (
      Number(readFileSync(join(ROOT, '.cache', 'kafka', 'kafka.pid'), 'utf8').trim()) || undefined
    );
  } catch {
    return undefined;
  }
}

/** Every postgres backend's CPU time together (they come and go; counted at both ends). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres') total += cpuSeconds(Number(entry)) ?? 0;
    } catch {
      // gone
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Settings that make the figures durable, checked and reported.

interface Settings {
  postgres: { fsync: string; synchronous_commit: string; max_connections: string };
  broker: { logFlushIntervalMessages: string | null; partitionsPerTopic: number };
  producerAcks: string;
  load: { before: number[]; after?: number[] };
  cores: number;
}

async function durableSettings(): Promise<Settings> {
  const client = new Client({ connectionString: testInfrastructure().postgresAdminUrl });
  await client.connect();
  const show = async (name: string) =>
    (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0][name];
  const postgres = {
    fsync: await show('fsync'),
    synchronous_commit: await show('synchronous_commit'),
    max_connections: await show('max_connections'),
  };
  await client.end();
  let flush: string | null = null;
  try {
    const props = readFileSync(join(ROOT, '.cache', 'kafka', 'server.properties'), 'utf8');
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
  };
}

function ensureBroker(): void {
  execFileSync('bash', [join(ROOT, 'scripts', 'kafka', 'kafka.sh'), 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** `BENCH_ENV_X=v` in the bench's environment sets `X=v` in every service (experiments). */
function serviceEnvOverrides(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env)
      .filter(([name, value]) => name.startsWith('BENCH_ENV_') && value !== undefined)
      .map(([name, value]) => [name.slice('BENCH_ENV_'.length), value as string]),
  );
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

async function inParallel<T>(
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

function log(options: Options, message: string): void {
  if (!options.json) process.stderr.write(`bench: ${message}\n`);
}

async function scalar(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    return Number(Object.values(rows[0])[0]);
  } finally {
    await client.end();
  }
}

/** An SMTP server that accepts and discards (notifications' emails; parsing them would steal CPU). */
async function startSmtpSink(): Promise<{
  url: string;
  accepted: () => number;
  stop: () => Promise<void>;
}> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        accepted++;
        callback();
      });
      stream.resume();
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted: () => accepted,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function suspendedAccount(index: number) {
  const suffix = `b${index}`;
  return {
    region: 'EU',
    status: 'SUSPENDED',
    outstandingBalance: { amountMinor: 0, currency: 'EUR' },
    holds: [
      {
        holdId: `h-${suffix}`,
        category: 'BILLING_HOLD',
        reason: 'unpaid invoice',
        state: 'ACTIVE',
      },
    ],
    contracts: [
      {
        contractId: `c-${suffix}`,
        startsAt: '2026-01-01T00:00:00.000Z',
        endsAt: '2029-12-31T00:00:00.000Z',
        renewalTerms: 'AUTO_RENEW_12M',
        entitlements: [
          { code: 'VIDEO', name: 'Video meetings' },
          { code: 'AUDIO', name: 'Audio conferencing' },
        ],
      },
    ],
    licenses: [
      {
        licenseId: `l-${suffix}`,
        contractId: `c-${suffix}`,
        product: 'Poly Lens',
        status: 'SUSPENDED',
        expiresAt: '2028-06-30T00:00:00.000Z',
        suspendedAt: '2026-10-01T00:00:00.000Z',
      },
    ],
  };
}

async function http<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_OPS_TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/**
 * Where a service spent its consumer time, from its own /metrics: per event type the handler's
 * total seconds and count, and per transaction (chunk) the total seconds, count and mean size.
 */
async function handlerMetrics(base: string): Promise<Record<string, string>> {
  // /metrics asks for credentials (the ops role or a metrics scrape token).
  const text = await (
    await fetch(base + '/metrics', { headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` } })
  ).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  const result: Record<string, string> = {};
  for (const match of text.matchAll(
    /^messaging_handler_duration_seconds_sum\{type="([^"]+)"\} (\S+)$/gm,
  )) {
    const count = value(
      new RegExp(`^messaging_handler_duration_seconds_count\\{type="${match[1]}"\\} (\\S+)$`, 'm'),
    );
    result[`handler ${match[1]}`] =
      `${count} in ${round(Number(match[2]), 2)} s (${round((Number(match[2]) / count) * 1000, 2)} ms each)`;
  }
  const chunks = value(/^messaging_batch_duration_seconds_count (\S+)$/m);
  const chunkSeconds = value(/^messaging_batch_duration_seconds_sum (\S+)$/m);
  const records = value(/^messaging_batch_size_sum (\S+)$/m);
  result.transactions = `${chunks} in ${round(chunkSeconds, 2)} s (${round((chunkSeconds / chunks) * 1000, 1)} ms each, ${round(records / chunks, 1)} records each)`;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Saga mode

interface SagaResult {
  mode: 'saga';
  sagas: number;
  rate: number | 'max';
  fulfilled: number;
  rejectedOrRefunded: number;
  timedOut: boolean;
  sagasPerSecond: number;
  publishSeconds: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  peakRssMb: Record<string, number>;
  cpuSeconds: Record<string, number>;
  emailsAccepted: number;
  runtimeMetrics: Record<string, Record<string, string>>;
  settings: Settings;
  setupSeconds: number;
  at: string;
}

async function runSagas(options: Options, settings: Settings): Promise<SagaResult> {
  const setupStarted = Date.now();
  const n = options.sagas;
  const smtp = await startSmtpSink();
  const [prefix, ...urls] = await Promise.all([
    createTestTopics(),
    ...SERVICES.map((name) => createTestDatabase(`bench${name}`)),
  ]);
  const databases = Object.fromEntries(SERVICES.map((name, i) => [name, urls[i]])) as Record<
    ServiceName,
    string
  >;
  log(options, `topics ${prefix}*, starting the four services`);
  const services = Object.fromEntries(
    (
      await Promise.all(
        SERVICES.map((name) =>
          startService(name, {
            DATABASE_URL: databases[name],
            KAFKA_TOPIC_PREFIX: prefix,
            SMTP_URL: smtp.url,
            UPSTREAM_SIGNING_SECRET: UPSTREAM_SECRET,
            LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
            ...serviceEnvOverrides(),
            ...(process.env.BENCH_NODE_OPTIONS
              ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS, PROFILE_NAME: name }
              : {}),
          }),
        ),
      )
    ).map((service, i) => [SERVICES[i], service]),
  ) as Record<ServiceName, ServiceProcess>;

  const pids = new Map<string, number>(SERVICES.map((name) => [name, services[name].pid]));
  const broker = brokerPid();
  if (broker) pids.set('kafka-broker', broker);
  const sampler = new ProcessSampler(pids);
  sampler.start();

  const kafka = new Kafka({
    clientId: 'bench',
    brokers: testInfrastructure().brokers,
    logLevel: logLevel.ERROR,
  });
  try {
    // Setup (not measured): accounts, then orders.
    const accounts = Array.from({ length: n }, (_, i) => `acct-${i}-${randomUUID().slice(0, 8)}`);
    await inParallel(accounts, options.concurrency, async (accountId, i) => {
      await http(services.licensing.url, 'PUT', `/accounts/${accountId}`, suspendedAccount(i));
    });
    log(options, `${n} accounts imported; waiting for eligibility's copies`);
    const deadline = Date.now() + 120_000;
    while ((await scalar(databases.eligibility, 'SELECT count(*) FROM accounts')) < n) {
      if (Date.now() > deadline)
        throw new Error('eligibility did not receive every account snapshot');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const orders: { orderId: string; accountId: string; amountMinor: number; currency: string }[] =
      [];
    await inParallel(accounts, options.concurrency, async (accountId, i) => {
      const quote = await http<{ id: string; totalMinor: number; currency: string }>(
        services.billing.url,
        'POST',
        '/quotes',
        { accountId, region: 'EU', licenseIds: [`l-b${i}`], addOns: [] },
      );
      const order = await http<{ id: string }>(services.billing.url, 'POST', '/orders', {
        quoteId: quote.id,
        customer: { name: `Bench Customer ${i}`, email: `customer${i}@bench.example` },
      });
      orders[i] = {
        orderId: order.id,
        accountId,
        amountMinor: quote.totalMinor,
        currency: quote.currency,
      };
    });
    log(options, `${n} orders placed; starting the payments`);

    // Consumer of the outcomes, in its own group, reading from the beginning.
    const arrivals = new Map<string, number>();
    let failures = 0;
    let wake: (() => void) | undefined;
    const consumer = kafka.consumer({
      groupId: `${prefix}bench-${randomUUID()}`,
      maxWaitTimeInMs: 20,
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [prefix + Topics.ReactivationBilling],
      fromBeginning: true,
    });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const message of batch.messages) {
          const text = message.value?.toString('utf8') ?? '';
          if (text.includes(`"type":"${OrderFulfilled.type}"`)) {
            const event = JSON.parse(text) as { data: { orderId: string } };
            if (!arrivals.has(event.data.orderId)) arrivals.set(event.data.orderId, now);
          } else if (
            text.includes('"type":"PaymentRejected"') ||
            text.includes('"type":"OrderRefunded"')
          ) {
            failures++;
          }
        }
        wake?.();
      },
    });
    while (!joined) await new Promise((resolve) => setTimeout(resolve, 50));

    // The measured part: payments in, fulfilments out.
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
    });
    await producer.connect();
    const sentAt = new Map<string, number>();
    sampler.mark();
    if (process.env.BENCH_MARK_SIGNAL) {
      // A preloaded statement counter resets on this signal: count only the measured part.
      for (const name of SERVICES) process.kill(services[name].pid, process.env.BENCH_MARK_SIGNAL);
    }
    const pgCpuBefore = postgresCpuSeconds();
    const paymentsStarted = performance.now();
    const payment = (order: (typeof orders)[number]) => {
      const event = createEvent(
        PaymentCaptured,
        {
          paymentId: `pay-${order.orderId}`.slice(0, 64),
          orderId: order.orderId,
          accountId: order.accountId,
          amount: { amountMinor: order.amountMinor, currency: order.currency },
          capturedAt: new Date().toISOString(),
        },
        { source: EventSources.UpstreamBilling, correlationId: order.orderId },
        new Date(),
      );
      const value = Buffer.from(JSON.stringify(event));
      return {
        key: order.accountId,
        value,
        headers: {
          [SIGNATURE_HEADER]: signPayload(UPSTREAM_SECRET, value, Math.floor(Date.now() / 1000)),
        },
      };
    };
    const send = async (slice: typeof orders) => {
      const messages = slice.map(payment);
      const at = performance.now();
      for (const order of slice) sentAt.set(order.orderId, at);
      await producer.send({ topic: prefix + Topics.BillingPayments, acks: -1, messages });
    };
    if (options.rate) {
      // A tick every 10 ms sends what is due by then: an even rate, not bursts of a second.
      const started = performance.now();
      let sent = 0;
      const inFlight: Promise<void>[] = [];
      while (sent < n) {
        const due = Math.min(
          n,
          Math.floor(((performance.now() - started) / 1000) * options.rate) + 1,
        );
        if (due > sent) {
          inFlight.push(send(orders.slice(sent, due)));
          sent = due;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(inFlight);
    } else {
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < n; i += 100) inFlight.push(send(orders.slice(i, i + 100)));
      await Promise.all(inFlight);
    }
    const publishSeconds = (performance.now() - paymentsStarted) / 1000;
    log(
      options,
      `${n} payments published in ${round(publishSeconds, 2)} s; waiting for OrderFulfilled`,
    );

    const waitUntil = performance.now() + options.timeout * 1000;
    while (arrivals.size < n && performance.now() < waitUntil) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1000);
      });
    }
    const cpu = sampler.cpuSinceMark();
    cpu.postgres = round(postgresCpuSeconds() - pgCpuBefore, 2);
    sampler.stop();
    await producer.disconnect();
    await consumer.disconnect();
    const runtimeMetrics = Object.fromEntries(
      await Promise.all(
        SERVICES.map(async (name) => [name, await handlerMetrics(services[name].url)] as const),
      ),
    );
    if (process.env.BENCH_PROFILE_SIGNAL) {
      // A profiler preloaded through BENCH_NODE_OPTIONS writes its profile on this signal.
      for (const name of SERVICES)
        process.kill(services[name].pid, process.env.BENCH_PROFILE_SIGNAL);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }

    const latencies = [...arrivals]
      .map(([orderId, at]) => at - (sentAt.get(orderId) ?? at))
      .sort((a, b) => a - b);
    const lastArrival = Math.max(...arrivals.values());
    const elapsed = (lastArrival - paymentsStarted) / 1000;
    settings.load.after = loadavg().map((l) => round(l, 2));
    return {
      mode: 'saga',
      sagas: n,
      rate: options.rate ?? 'max',
      fulfilled: arrivals.size,
      rejectedOrRefunded: failures,
      timedOut: arrivals.size < n,
      sagasPerSecond: arrivals.size > 0 ? round(arrivals.size / elapsed, 1) : 0,
      publishSeconds: round(publishSeconds, 2),
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p95: round(percentile(latencies, 95)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies[latencies.length - 1] ?? NaN),
        mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
      },
      peakRssMb: sampler.peakRss(),
      cpuSeconds: cpu,
      emailsAccepted: smtp.accepted(),
      runtimeMetrics,
      settings,
      setupSeconds: round((Date.now() - setupStarted) / 1000 - elapsed, 1),
      at: new Date().toISOString(),
    };
  } finally {
    sampler.stop();
    await Promise.all(
      SERVICES.map((name) => services[name].stop().catch(() => services[name].kill())),
    );
    await smtp.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Runtime mode: the probe (outbox → Kafka → inbox), and the naive stock-Nest consumer.

interface RuntimeResult {
  mode: 'runtime';
  consumer: string;
  events: number;
  handled: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: Record<string, number>;
  cpuSeconds: Record<string, number>;
  settings: Settings;
  at: string;
}

async function runRuntime(
  options: Options,
  settings: Settings,
  consumerKind: 'runtime' | 'naive',
): Promise<RuntimeResult> {
  const n = options.sagas;
  const consumerGroup = 'probe-bench-consumer';
  const [prefix, producerDb, consumerDb] = await Promise.all([
    createTestTopics(['probe-bench-producer', consumerGroup]),
    createTestDatabase('benchproducer'),
    createTestDatabase('benchconsumer'),
  ]);
  const common = {
    KAFKA_TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    ...serviceEnvOverrides(),
    ...(process.env.BENCH_NODE_OPTIONS
      ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS, PROFILE_NAME: consumerKind }
      : {}),
  };
  const producer = await startService(
    'probe-producer',
    {
      ...common,
      DATABASE_URL: producerDb,
      PROBE_GROUP: 'probe-bench-producer',
      PROBE_ROLE: 'producer',
    },
    { entry: PROBE },
  );
  const consumer =
    consumerKind === 'runtime'
      ? await startService(
          'probe-consumer',
          {
            ...common,
            DATABASE_URL: consumerDb,
            PROBE_GROUP: consumerGroup,
            PROBE_ROLE: 'consumer',
            // One handler: the same work as the naive consumer's.
            PROBE_AUDIT: 'false',
            PROBE_BATCH: String(options.handlers === 'batch'),
          },
          { entry: PROBE },
        )
      : await startService(
          'naive-consumer',
          { ...common, DATABASE_URL: consumerDb },
          { entry: NAIVE },
        );
  const sampler = new ProcessSampler(
    new Map([
      ['producer', producer.pid],
      [consumerKind === 'runtime' ? 'consumer' : 'naive-consumer', consumer.pid],
    ]),
  );
  sampler.start();
  try {
    // Give the consumer time to join its group: timing starts at the emit, not at the join.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    sampler.mark();
    const started = performance.now();
    for (let done = 0; done < n; done += 50_000) {
      const response = await producer.http('POST', '/probe/emit', {
        count: Math.min(50_000, n - done),
        perTransaction: 500,
      });
      if (response.status !== 201)
        throw new Error(`emit: ${response.status} ${JSON.stringify(response.body)}`);
    }
    let handled = 0;
    const deadline = started + options.timeout * 1000;
    while (performance.now() < deadline) {
      handled = await scalar(consumerDb, 'SELECT count(*) FROM probe_effects');
      if (handled >= n) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    if (process.env.BENCH_PROFILE_SIGNAL) {
      process.kill(consumer.pid, process.env.BENCH_PROFILE_SIGNAL);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    settings.load.after = loadavg().map((l) => round(l, 2));
    return {
      mode: 'runtime',
      consumer: consumerKind === 'runtime' ? `runtime (${options.handlers} handler)` : consumerKind,
      events: n,
      handled,
      seconds: round(seconds, 2),
      eventsPerSecond: round(handled / seconds, 1),
      peakRssMb: sampler.peakRss(),
      cpuSeconds: sampler.cpuSinceMark(),
      settings,
      at: new Date().toISOString(),
    };
  } finally {
    sampler.stop();
    await consumer.stop().catch(() => consumer.kill());
    await producer.stop().catch(() => producer.kill());
  }
}

// ---------------------------------------------------------------------------------------------

function printSaga(r: SagaResult): void {
  const lines = [
    `sagas: ${r.fulfilled}/${r.sagas} fulfilled${r.timedOut ? ' (TIMED OUT)' : ''}, rate ${r.rate}, rejected/refunded ${r.rejectedOrRefunded}`,
    `throughput: ${r.sagasPerSecond} sagas/s (payments published in ${r.publishSeconds} s)`,
    `latency PaymentCaptured → OrderFulfilled (ms): p50 ${r.latencyMs.p50}  p95 ${r.latencyMs.p95}  p99 ${r.latencyMs.p99}  max ${r.latencyMs.max}  mean ${r.latencyMs.mean}`,
    `peak RSS (MB): ${Object.entries(r.peakRssMb)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `CPU seconds in the measured window: ${Object.entries(r.cpuSeconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `emails accepted by the SMTP sink: ${r.emailsAccepted}`,
    ...Object.entries(r.runtimeMetrics).map(
      ([name, m]) =>
        `${name}: ${Object.entries(m)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; ')}`,
    ),
    settingsLine(r.settings),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function printRuntime(r: RuntimeResult): void {
  process.stdout.write(
    [
      `${r.consumer} consumer: ${r.handled}/${r.events} events in ${r.seconds} s = ${r.eventsPerSecond} events/s (outbox → Kafka → inbox + effect + outbox)`,
      `peak RSS (MB): ${Object.entries(r.peakRssMb)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; CPU s: ${Object.entries(r.cpuSeconds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      settingsLine(r.settings),
    ].join('\n') + '\n',
  );
}

function settingsLine(s: Settings): string {
  return (
    `settings: PostgreSQL fsync=${s.postgres.fsync} synchronous_commit=${s.postgres.synchronous_commit}; ` +
    `broker log.flush.interval.messages=${s.broker.logFlushIntervalMessages}, ${s.broker.partitionsPerTopic} partitions/topic; ` +
    `acks ${s.producerAcks}; ${s.cores} cores, load before ${s.load.before.join(' ')} after ${s.load.after?.join(' ')}`
  );
}

function save(result: unknown): void {
  const dir = join(ROOT, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify(result, null, 2),
  );
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .option('--sagas <n>', 'sagas (or events in runtime mode)', (v) => Number(v), 2000)
    .option('--rate <r>', 'payments per second (default: as fast as possible)', (v) => Number(v))
    .option('--json', 'print only the JSON result', false)
    .addOption(
      new Option('--mode <mode>', 'saga or runtime').choices(['saga', 'runtime']).default('saga'),
    )
    .option(
      '--naive',
      'runtime mode with the probe, then the stock Nest Kafka consumer; prints the ratio',
      false,
    )
    .addOption(
      new Option('--handlers <kind>', "runtime mode: the probe consumer's handler kind")
        .choices(['batch', 'per-event'])
        .default('batch'),
    )
    .option('--timeout <s>', 'seconds to wait for the last outcome', (v) => Number(v), 180)
    .option('--concurrency <c>', 'concurrent setup requests', (v) => Number(v), 16);
  program.parse();
  const options = program.opts<Options>();
  ensureBroker();
  const settings = await durableSettings();
  let result: unknown;
  if (options.naive) {
    const runtime = await runRuntime(
      options,
      { ...settings, load: { ...settings.load } },
      'runtime',
    );
    if (!options.json) printRuntime(runtime);
    const naive = await runRuntime(
      options,
      { ...settings, load: { before: loadavg().map((l) => round(l, 2)) } },
      'naive',
    );
    if (!options.json) printRuntime(naive);
    const ratio = round(runtime.eventsPerSecond / naive.eventsPerSecond, 2);
    if (!options.json) process.stdout.write(`runtime / naive: ${ratio}×\n`);
    result = { runtime, naive, ratio };
  } else if (options.mode === 'runtime') {
    const runtime = await runRuntime(options, settings, 'runtime');
    if (!options.json) printRuntime(runtime);
    result = runtime;
  } else {
    const saga = await runSagas(options, settings);
    if (!options.json) printSaga(saga);
    result = saga;
  }
  save(result);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
