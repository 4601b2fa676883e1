/**
 * Saga mode: a system under test (the product's four services, or the hand-written floor) set up
 * with N suspended accounts and N placed orders, then N signed PaymentCaptured published — as fast
 * as possible, or at a fixed rate on a schedule (open loop) — and each saga followed to its
 * fulfilment (OrderFulfilled on reactivation.billing.v1) and its completion (fulfilled, its
 * confirmation email accepted by the bench's SMTP server, its timeline showing every stage).
 */
import {
  EventSources,
  OrderFulfilled,
  PaymentCaptured,
  SIGNATURE_HEADER,
  signPayload,
  Topics,
} from '@app/contracts';
import { createEvent, KAFKA_REQUESTS_METRIC } from '@app/messaging';
import { DB_STATEMENTS_METRIC } from '@app/platform';
import {
  createTestDatabase,
  createTestTopics,
  quiesce,
  quiesceServices,
  ServiceName,
  ServiceProcess,
  startService,
  testInfrastructure,
  TEST_OPS_TOKEN,
} from '@app/testing';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import {
  inParallel,
  log,
  nodeOptionsEnv,
  Options,
  round,
  scalar,
  serviceEnvOverrides,
  Settings,
} from './bench-common';
import {
  completedAt,
  dueBy,
  hopLatencies,
  HopSummary,
  keepUpVerdict,
  KeepUpVerdict,
  latest,
  LatencySummary,
  SagaSigns,
  SagaStage,
  SagaSteps,
  scheduledSendMs,
  summarizeLatency,
} from './completion';
import {
  checkFloorEndState,
  COMPLETE_TIMELINE,
  FLOOR_SCHEMAS,
  seedFloor,
} from './floor/floor-schema';
import { floorSeeds } from './floor/floor-seeds';
import { floorGroupOf, floorOutboxOf } from './floor/floor-service';
import { committedTransactions, RunCosts } from './process-sampler';
import { SmtpSink, startSmtpSink } from './smtp-sink';
import { kafkaClient } from '@app/messaging';

const SERVICES: ServiceName[] = ['billing', 'eligibility', 'licensing', 'notifications'];
const UPSTREAM_SECRET = `bench-${randomUUID()}`;
/** An open loop's payments go at most this often (one produce request each time). */
const SEND_SPACING_MS = 5;
export const FLOOR_ENTRY = 'dist/scripts/bench/floor/floor.js';

interface Order {
  orderId: string;
  accountId: string;
  amountMinor: number;
  currency: string;
}

/** A system set up and waiting for payments. */
interface Target {
  kind: 'product' | 'floor';
  prefix: string;
  orders: Order[];
  /** Processes whose CPU time and RSS are measured. */
  processes: Map<string, number>;
  /** Each process's /metrics (statements and Kafka requests it counts). */
  metricsUrls: Record<string, string>;
  /** Database URLs by label. */
  databases: Record<string, string>;
  smtp: SmtpSink;
  /** Where the timeline is read: a database and its table of stages (order_id, stage). */
  timeline: { url: string; table: string };
  /**
   * Resolves once the system is at rest: every consumer group has handled every record of its
   * topics and every outbox is empty (libs/testing's quiescence barrier).
   */
  atRest(): Promise<void>;
  /** The target's own view after the run (the floor's end-state check, the product's API). */
  report(completed: string[]): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface SagaResult {
  mode: 'saga';
  system: 'product' | 'floor';
  sagas: number;
  rate: number | 'max';
  durationSeconds?: number;
  /** Sagas completed, unmeasured, before the measured ones (0: the processes measured cold). */
  warmupSagas: number;
  timedOut: boolean;
  publishSeconds: number;
  fulfilment: { count: number; sagasPerSecond: number; latencyMs: LatencySummary };
  completion: { count: number; sagasPerSecond: number; latencyMs: LatencySummary };
  /**
   * Measured sagas' time hop by hop, in ms: from each step to the next that waits on it (the
   * timeline's stage times, the confirmation's acceptance, the timeline complete).
   */
  hopsMs: Record<string, HopSummary>;
  /** Open loop only: whether completions kept up with the offered rate. */
  keepUp?: KeepUpVerdict;
  duplicates: { fulfilments: number; confirmations: number };
  emailsAccepted: number;
  peakRssMb: Record<string, number>;
  cpuSeconds: Record<string, number>;
  cpuMsPerSaga: Record<string, number>;
  /** The Node processes' CPU by thread group: main thread, worker threads, V8's helpers, other. */
  cpuMsPerSagaByThread: Record<string, number>;
  statementsPerSaga: Record<string, number>;
  kafkaRequestsPerSaga: Record<string, number>;
  /** By process, client kind (producer, consumer, admin) and API (Produce, Fetch, ...). */
  kafkaRequestsByApiPerSaga: Record<string, number>;
  transactionsPerSaga: Record<string, number>;
  details: Record<string, unknown>;
  settings: Settings;
  setupSeconds: number;
  at: string;
}

// ---------------------------------------------------------------------------------------------
// The product: four services, set up through their APIs.

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

async function metricsText(base: string): Promise<string> {
  // /metrics asks for credentials (the ops role or a metrics scrape token); the floor ignores them.
  const response = await fetch(base + '/metrics', {
    headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` },
  });
  return response.text();
}

/** The sum of every series of a counter in a Prometheus text page. */
function counterSum(text: string, name: string): number {
  let total = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')))
    total += Number(match[1]);
  return total;
}

/**
 * Where a service spent its consumer time, from its own /metrics: per event type the handler's
 * total seconds and count, and per transaction (chunk) the total seconds, count and mean size.
 */
function handlerMetrics(text: string): Record<string, string> {
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
  // Notifications: each email's SMTP send, and each record of the emails accepted.
  for (const [phase, label] of [
    ['send', 'emails sent'],
    ['record', 'email records'],
  ]) {
    const count = value(
      new RegExp(`^notifications_email_delivery_seconds_count\\{phase="${phase}"\\} (\\S+)$`, 'm'),
    );
    const seconds = value(
      new RegExp(`^notifications_email_delivery_seconds_sum\\{phase="${phase}"\\} (\\S+)$`, 'm'),
    );
    if (count > 0) {
      result[label] =
        `${count} in ${round(seconds, 2)} s (${round((seconds / count) * 1000, 1)} ms each)`;
    }
  }
  return result;
}

async function setUpProduct(options: Options, n: number): Promise<Target> {
  const smtp = await startSmtpSink();
  const [prefix, ...urls] = await Promise.all([
    createTestTopics(),
    ...SERVICES.map((name) => createTestDatabase(`bench${name}`)),
  ]);
  const databases = Object.fromEntries(SERVICES.map((name, i) => [name, urls[i]])) as Record<
    ServiceName,
    string
  >;
  log(options, `product: topics ${prefix}*, starting the four services`);
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
            ...nodeOptionsEnv(name),
          }),
        ),
      )
    ).map((service, i) => [SERVICES[i], service]),
  ) as Record<ServiceName, ServiceProcess>;
  const stop = async () => {
    await Promise.all(
      SERVICES.map((name) => services[name].stop().catch(() => services[name].kill())),
    );
    await smtp.stop();
  };
  try {
    const accounts = Array.from({ length: n }, (_, i) => `acct-${i}-${randomUUID().slice(0, 8)}`);
    await inParallel(accounts, options.concurrency, async (accountId, i) => {
      await http(services.licensing.url, 'PUT', `/accounts/${accountId}`, suspendedAccount(i));
    });
    log(options, `product: ${n} accounts imported; waiting for eligibility's copies`);
    const deadline = Date.now() + 120_000;
    while ((await scalar(databases.eligibility, 'SELECT count(*) FROM accounts')) < n) {
      if (Date.now() > deadline)
        throw new Error('eligibility did not receive every account snapshot');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const orders: Order[] = [];
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
    log(options, `product: ${n} orders placed`);
    return {
      kind: 'product',
      prefix,
      orders,
      processes: new Map(SERVICES.map((name) => [name, services[name].pid])),
      metricsUrls: Object.fromEntries(SERVICES.map((name) => [name, services[name].url])),
      databases,
      smtp,
      timeline: { url: databases.notifications, table: 'timeline_stages' },
      atRest: () => quiesceServices(Object.values(services)),
      report: async (completed) => {
        const runtimeMetrics = Object.fromEntries(
          await Promise.all(
            SERVICES.map(
              async (name) =>
                [name, handlerMetrics(await metricsText(services[name].url))] as const,
            ),
          ),
        );
        // The timeline as a customer or ops sees it, for a sample of the completed orders.
        const sample = completed.slice(0, 50);
        let timelineApiComplete = 0;
        await inParallel(sample, 8, async (orderId) => {
          const view = await http<{ status: string; stages: { stage: string }[] }>(
            services.notifications.url,
            'GET',
            `/reactivations/${orderId}`,
          );
          const stages = new Set(view.stages.map((s) => s.stage));
          if (view.status === 'FULFILLED' && COMPLETE_TIMELINE.every((s) => stages.has(s)))
            timelineApiComplete++;
        });
        return {
          runtimeMetrics,
          timelineApi: `${timelineApiComplete}/${sample.length} sampled completed orders FULFILLED with every stage`,
        };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The floor: one process, its tables seeded directly (setup, not measured).

/** A process of the floor, named for the bench's reports (`floor`, or `floor <part>`). */
export interface FloorProcess {
  name: string;
  process: ServiceProcess;
}

/**
 * Starts the floor: one process with every part, or one a part (FLOOR_PARTS) as the product's
 * four services run, one after another (each creates the tables it finds missing). If one fails
 * to start, those started are stopped.
 */
export async function startFloor(
  processes: 1 | 4,
  env: { DATABASE_URL: string; KAFKA_TOPIC_PREFIX: string } & Record<string, string>,
): Promise<FloorProcess[]> {
  const parts = processes === 4 ? [...FLOOR_SCHEMAS] : [FLOOR_SCHEMAS.join(',')];
  const started: FloorProcess[] = [];
  for (const part of parts) {
    const name = processes === 4 ? `floor ${part}` : 'floor';
    try {
      const service = await startService(
        'floor',
        {
          ...env,
          FLOOR_PARTS: part,
          ...nodeOptionsEnv(name.replace(' ', '-')),
        },
        { entry: FLOOR_ENTRY },
      );
      started.push({ name, process: service });
    } catch (error) {
      await stopFloor(started);
      throw error;
    }
  }
  return started;
}

/** Stops the floor's processes (killed if they do not stop). */
async function stopFloor(floors: FloorProcess[]): Promise<void> {
  await Promise.all(floors.map(({ process: p }) => p.stop().catch(() => p.kill())));
}

async function setUpFloor(options: Options, n: number): Promise<Target> {
  const smtp = await startSmtpSink();
  const [prefix, url] = await Promise.all([createTestTopics(), createTestDatabase('benchfloor')]);
  log(options, `floor: topics ${prefix}*, starting the floor`);
  const floors = await startFloor(options.floorProcesses, {
    DATABASE_URL: url,
    KAFKA_TOPIC_PREFIX: prefix,
    SMTP_URL: smtp.url,
    UPSTREAM_SIGNING_SECRET: UPSTREAM_SECRET,
  }).catch(async (error: unknown) => {
    await smtp.stop();
    throw error;
  });
  const stop = async () => {
    await stopFloor(floors);
    await smtp.stop();
  };
  try {
    const seeds = floorSeeds(n);
    await seedFloor(url, seeds);
    log(options, `floor: ${n} accounts and orders seeded`);
    return {
      kind: 'floor',
      prefix,
      orders: seeds.map((s) => ({
        orderId: s.orderId,
        accountId: s.accountId,
        amountMinor: s.amountMinor,
        currency: s.currency,
      })),
      processes: new Map(floors.map(({ name, process: p }) => [name, p.pid])),
      metricsUrls: Object.fromEntries(floors.map(({ name, process: p }) => [name, p.url])),
      databases: { floor: url },
      smtp,
      timeline: { url, table: 'notifications.timeline_stages' },
      atRest: () =>
        quiesce({
          groups: FLOOR_SCHEMAS.map((schema) => floorGroupOf(prefix, schema)),
          databaseUrls: [url],
          outboxTables: FLOOR_SCHEMAS.map(floorOutboxOf),
        }),
      report: async () => {
        const db = new Client({ connectionString: url });
        await db.connect();
        try {
          return {
            endState: await checkFloorEndState(db),
            // Each process's parts (disjoint when there are several).
            counts: Object.assign(
              {},
              ...(await Promise.all(
                floors.map(async ({ process: p }) => (await p.http('GET', '/floor/counts')).body),
              )),
            ) as unknown,
          };
        } finally {
          await db.end();
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The measured part, the same for both.

async function measure(
  options: Options,
  target: Target,
  settings: Settings,
  setupStarted: number,
): Promise<SagaResult> {
  // The first `warm` orders are the warm-up's: sent and completed before anything is measured.
  const warm = options.warmup;
  const n = target.orders.length - warm;
  const index = new Map(target.orders.map((o, i) => [o.orderId, i]));
  const signs: SagaSigns[] = target.orders.map(() => ({}));
  const completions: (number | undefined)[] = target.orders.map(() => undefined);
  let warmCompleted = 0;
  let completedCount = 0;
  let fulfilledCount = 0;
  let duplicateFulfilments = 0;
  let wake: (() => void) | undefined;
  /**
   * Each order's timeline stages seen committed (of COMPLETE_TIMELINE), with when each was made by
   * the service that took the step (bench clock).
   */
  const stageAt = target.orders.map((): SagaSteps['stageAt'] => ({}));
  const update = (i: number) => {
    if (completions[i] !== undefined) return;
    const at = completedAt(signs[i]);
    if (at === undefined) return;
    completions[i] = at;
    if (i < warm) warmCompleted++;
    else completedCount++;
    wake?.();
  };
  target.smtp.onConfirmation = (orderId) => {
    const i = index.get(orderId);
    if (i === undefined) return;
    signs[i].confirmationEmailAt = target.smtp.confirmations.get(orderId);
    update(i);
  };

  const kafka = kafkaClient({
    clientId: 'bench',
    brokers: testInfrastructure().brokers,
    logLevel: logLevel.ERROR,
  });
  // A fetch is answered as soon as a record arrives (minBytes 1): a longer wait delays nothing,
  // and an idle poll every 20 ms was the bench's own load on the broker it measures.
  const consumer = kafka.consumer({
    groupId: `${target.prefix}bench-${randomUUID()}`,
    maxWaitTimeInMs: 1000,
  });
  await consumer.connect();
  await consumer.subscribe({
    topics: [target.prefix + Topics.ReactivationBilling],
    fromBeginning: true,
  });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.run({
    // A group of its own that starts from the beginning needs no offsets: committing them after
    // every batch was ~38 writes (and broker fsyncs) a second at 20 sagas/s.
    autoCommit: false,
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        const text = message.value?.toString('utf8') ?? '';
        if (!text.includes(`"type":"${OrderFulfilled.type}"`)) continue;
        const event = JSON.parse(text) as { data: { orderId: string } };
        const i = index.get(event.data.orderId);
        if (i === undefined) continue;
        if (signs[i].fulfilledAt !== undefined) {
          duplicateFulfilments++;
          continue;
        }
        signs[i].fulfilledAt = now;
        if (i >= warm) fulfilledCount++;
        update(i);
      }
      wake?.();
    },
  });
  while (!joined) await new Promise((resolve) => setTimeout(resolve, 50));

  // The timeline: a row trigger installed for the run notifies each stage written, at its
  // commit, to this connection — no query of the system's database while it runs (reading the
  // stages of the orders still pending cost the product's database 4 ms a query when flooded),
  // and no timer period added to each saga.
  const timelineDb = new Client({ connectionString: target.timeline.url });
  await timelineDb.connect();
  await timelineDb.query(`
    CREATE OR REPLACE FUNCTION bench_timeline_notify() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN PERFORM pg_notify('bench_timeline', NEW.order_id || ' ' || NEW.stage || ' ' ||
                               (extract(epoch FROM NEW.at) * 1000)::text);
         RETURN NULL; END $$;
    CREATE OR REPLACE TRIGGER bench_timeline_notify AFTER INSERT ON ${target.timeline.table}
      FOR EACH ROW EXECUTE FUNCTION bench_timeline_notify();
    LISTEN bench_timeline`);
  const timelineStages = new Set<string>(COMPLETE_TIMELINE);
  timelineDb.on('notification', ({ payload = '' }) => {
    const [orderId, stage, atEpochMs] = payload.split(' ');
    const i = index.get(orderId);
    if (i === undefined || !timelineStages.has(stage)) return;
    stageAt[i][stage as SagaStage] ??= Number(atEpochMs) - performance.timeOrigin;
    if (
      Object.keys(stageAt[i]).length === timelineStages.size &&
      signs[i].timelineCompleteAt === undefined
    ) {
      signs[i].timelineCompleteAt = performance.now();
      update(i);
    }
  });

  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
  });
  await producer.connect();

  const payment = (order: Order) => {
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
  const sendOrders = (orders: Order[]) =>
    producer.send({
      topic: target.prefix + Topics.BillingPayments,
      acks: -1,
      messages: orders.map(payment),
    });
  const measured = target.orders.slice(warm);
  const waitFor = async (done: () => boolean) => {
    const waitUntil = performance.now() + options.timeout * 1000;
    while (!done() && performance.now() < waitUntil) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1000);
      });
    }
  };

  /**
   * Open loop: order i is due at `started` + i/rate (its time written to `scheduled[i]`). What is
   * due is sent in one request; the loop then sleeps until the next order is due, but sends at
   * most every SEND_SPACING_MS (above 200/s, what fell due meanwhile goes together). A fixed 5 ms
   * tick sent each payment 2.5 ms late on average at 20/s, counted in its latency, and woke the
   * bench 200 times a second. Each saga's latency counts from when it was due, however late the
   * send. Resolves once every order is sent and acknowledged.
   */
  const sendAtRate = async (
    orders: Order[],
    rate: number,
    scheduled: number[],
    started = performance.now(),
  ) => {
    const n = orders.length;
    for (let i = 0; i < n; i++) scheduled[i] = started + scheduledSendMs(i, rate);
    const inFlight: Promise<unknown>[] = [];
    let sent = 0;
    let lastSendAt = -Infinity;
    while (sent < n) {
      const now = performance.now();
      const due = dueBy(now - started, rate, n);
      if (due > sent) {
        inFlight.push(sendOrders(orders.slice(sent, due)));
        sent = due;
        lastSendAt = now;
      }
      if (sent < n) {
        const wakeAt = Math.max(scheduled[sent], lastSendAt + SEND_SPACING_MS);
        // Not below zero: Node warns of a negative delay (and takes it as 1 ms).
        const delay = Math.max(0, wakeAt - performance.now());
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    await Promise.all(inFlight);
  };
  /** Flooded: sends of 100 as fast as possible, each saga due when its send began. */
  const sendFlooded = async (orders: Order[], scheduled: number[]) => {
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < orders.length; i += 100) {
      const at = performance.now();
      const slice = orders.slice(i, i + 100);
      slice.forEach((_, j) => (scheduled[i + j] = at));
      inFlight.push(sendOrders(slice));
    }
    await Promise.all(inFlight);
  };

  if (warm > 0) {
    // Not measured: both systems' processes run these sagas to completion first, so that what is
    // measured is the processes as they run once warm (compiled code, full pools). An open-loop
    // run's warm-up is sent at its offered rate: flooded, it left the broker's code for trickling
    // requests cold, and the first run after a broker start lost its first ~10 s to it (at 20/s:
    // the product's p99 238 ms, then 84 and 70 in the next runs; the floor's 112, then 53).
    const warmUp = target.orders.slice(0, warm);
    const unmeasured = new Array<number>(warm);
    if (options.rate) await sendAtRate(warmUp, options.rate, unmeasured);
    else await sendFlooded(warmUp, unmeasured);
    await waitFor(() => warmCompleted >= warm);
    if (warmCompleted < warm)
      throw new Error(`warm-up: ${warmCompleted} of ${warm} sagas completed in time`);
    log(options, `${target.kind}: ${warm} warm-up sagas completed`);
    // What the warm-up set going beyond the completion of its sagas (account copies updated,
    // CustomerNotified published and consumed) ends before the measured part begins: measured,
    // it disturbed the first seconds of open-loop runs (at 20/s, p99 325 and 178 ms in the first
    // 10 s of two runs, 110 and 103 ms after).
    await target.atRest();
    log(options, `${target.kind}: at rest after the warm-up`);
  }

  // Statistics for the planner, as autovacuum would have gathered them by now where it runs: this
  // machine's PostgreSQL has it off, and plans made while the tables were nearly empty
  // (sequential scans, kept by the services' prepared statements) lasted the whole run. At 20/s
  // they cost each system's PostgreSQL ~20 ms of CPU per saga. ANALYZE invalidates them.
  await analyzeDatabases(Object.values(target.databases));

  // Costs from here: every process, the run's PostgreSQL backends, the whole machine.
  const adminUrl = testInfrastructure().postgresAdminUrl;
  const dbNames = Object.fromEntries(
    Object.entries(target.databases).map(([label, url]) => [label, new URL(url).pathname.slice(1)]),
  );
  const costs = new RunCosts(target.processes, adminUrl, dbNames);
  costs.start();
  const countersOf = async (): Promise<Record<string, Record<string, number>>> =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(target.metricsUrls).map(async ([name, url]) => {
          const text = await metricsText(url);
          return [
            name,
            {
              statements: counterSum(text, DB_STATEMENTS_METRIC),
              kafka: counterSum(text, KAFKA_REQUESTS_METRIC),
              ...Object.fromEntries(
                [
                  ...text.matchAll(
                    new RegExp(
                      `^${KAFKA_REQUESTS_METRIC}\\{client="([^"]+)",api="([^"]+)"\\} (\\S+)$`,
                      'gm',
                    ),
                  ),
                ].map((m) => [`kafka ${m[1]} ${m[2]}`, Number(m[3])]),
              ),
              // The floor also counts its statements per service (one process, one pool each).
              ...Object.fromEntries(
                [...text.matchAll(/^floor_statements_total\{service="([^"]+)"\} (\S+)$/gm)].map(
                  (m) => [`statements of ${m[1]}`, Number(m[2])],
                ),
              ),
            },
          ] as const;
        }),
      ),
    );
  const countersBefore = await countersOf();
  const xactBefore = await committedTransactions(adminUrl, Object.values(dbNames));
  await costs.mark();
  if (process.env.BENCH_MARK_SIGNAL) {
    // A preloaded statement counter resets on this signal: count only the measured part.
    for (const pid of target.processes.values()) process.kill(pid, process.env.BENCH_MARK_SIGNAL);
  }
  const benchCpuBefore = process.cpuUsage();
  const acceptedBefore = target.smtp.accepted();
  const scheduled: number[] = new Array<number>(n);

  const started = performance.now();
  if (options.rate) await sendAtRate(measured, options.rate, scheduled, started);
  else await sendFlooded(measured, scheduled);
  const publishSeconds = (performance.now() - started) / 1000;
  log(options, `${target.kind}: ${n} payments published in ${round(publishSeconds, 2)} s`);

  await waitFor(() => completedCount >= n);
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const cpu = await costs.cpuSinceMark({
    'bench process': round((benchCpu.user + benchCpu.system) / 1e6, 2),
  });
  const threadCpu = costs.threadCpuSinceMark();
  costs.stop();
  if (process.env.BENCH_PROFILE_SIGNAL) {
    // A profiler preloaded through BENCH_NODE_OPTIONS writes its profile on this signal.
    for (const pid of target.processes.values())
      process.kill(pid, process.env.BENCH_PROFILE_SIGNAL);
  }
  await timelineDb.end();
  if (process.env.BENCH_SIGNS_FILE) {
    // Each saga's signs in ms after its payment was due, to tell which one made it late.
    const rows = signs
      .slice(warm)
      .map((sign, i) =>
        [
          Math.round(performance.timeOrigin + scheduled[i]),
          ...[sign.fulfilledAt, sign.confirmationEmailAt, sign.timelineCompleteAt].map((at) =>
            at === undefined ? '' : round(at - scheduled[i], 1),
          ),
        ].join(','),
      );
    writeFileSync(
      // `{system}` in the name: one file each for the product and the floor of a run.
      process.env.BENCH_SIGNS_FILE.replace('{system}', target.kind),
      ['due (epoch ms),fulfilled,confirmation email,timeline complete', ...rows].join('\n') + '\n',
    );
  }
  await producer.disconnect();
  await consumer.disconnect();
  const countersAfter = await countersOf();
  const xactAfter = await committedTransactions(adminUrl, Object.values(dbNames));

  const fulfilledAt = signs.slice(warm).map((s) => s.fulfilledAt);
  const completedAtOf = completions.slice(warm);
  const perSecond = (count: number, last: number) =>
    count > 0 ? round(count / ((last - started) / 1000), 1) : 0;
  const per = (value: number) => (completedCount > 0 ? round(value / completedCount, 2) : NaN);
  const completedIds = measured
    .filter((_, i) => completedAtOf[i] !== undefined)
    .map((o) => o.orderId);
  const details = await target.report(completedIds);
  settings.load.after = loadavg().map((l) => round(l, 2));
  const relative = (times: (number | undefined)[]) =>
    times.map((t) => (t === undefined ? undefined : t - started));
  return {
    mode: 'saga',
    system: target.kind,
    sagas: n,
    rate: options.rate ?? 'max',
    durationSeconds: options.rate ? n / options.rate : undefined,
    warmupSagas: warm,
    timedOut: completedCount < n,
    publishSeconds: round(publishSeconds, 2),
    fulfilment: {
      count: fulfilledCount,
      sagasPerSecond: perSecond(fulfilledCount, latest(fulfilledAt)),
      latencyMs: roundSummary(summarizeLatency(scheduled, fulfilledAt)),
    },
    completion: {
      count: completedCount,
      sagasPerSecond: perSecond(completedCount, latest(completedAtOf)),
      latencyMs: roundSummary(summarizeLatency(scheduled, completedAtOf)),
    },
    hopsMs: hopLatencies(
      signs.slice(warm).map((sign, i) => ({
        due: scheduled[i],
        stageAt: stageAt[warm + i],
        confirmationEmailAt: sign.confirmationEmailAt,
        timelineCompleteAt: sign.timelineCompleteAt,
      })),
    ),
    keepUp: options.rate
      ? keepUpVerdict(
          scheduled.map((t) => t - started),
          relative(completedAtOf),
          n / options.rate,
        )
      : undefined,
    duplicates: {
      fulfilments: duplicateFulfilments,
      confirmations: target.smtp.duplicateConfirmations(),
    },
    emailsAccepted: target.smtp.accepted() - acceptedBefore,
    peakRssMb: costs.peakRss(),
    cpuSeconds: cpu,
    cpuMsPerSaga: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, per(v * 1000)])),
    cpuMsPerSagaByThread: Object.fromEntries(
      Object.entries(threadCpu).map(([k, v]) => [k, per(v * 1000)]),
    ),
    statementsPerSaga: Object.fromEntries(
      Object.keys(countersAfter).flatMap((k) =>
        Object.keys(countersAfter[k])
          .filter((c) => c.startsWith('statements'))
          .map((c) => [
            c === 'statements' ? k : `${k}: ${c.slice('statements of '.length)}`,
            per(countersAfter[k][c] - (countersBefore[k][c] ?? 0)),
          ]),
      ),
    ),
    kafkaRequestsPerSaga: Object.fromEntries(
      Object.keys(countersAfter).map((k) => [
        k,
        per(countersAfter[k].kafka - countersBefore[k].kafka),
      ]),
    ),
    kafkaRequestsByApiPerSaga: Object.fromEntries(
      Object.keys(countersAfter).flatMap((k) =>
        Object.keys(countersAfter[k])
          .filter((c) => c.startsWith('kafka '))
          .map((c): [string, number] => [
            `${k}: ${c.slice('kafka '.length)}`,
            per(countersAfter[k][c] - (countersBefore[k][c] ?? 0)),
          ])
          .filter(([, v]) => v > 0),
      ),
    ),
    transactionsPerSaga: Object.fromEntries(
      Object.entries(dbNames).map(([label, db]) => [
        label,
        per((xactAfter[db] ?? 0) - (xactBefore[db] ?? 0)),
      ]),
    ),
    details,
    settings,
    setupSeconds: round((started - setupStarted) / 1000, 1),
    at: new Date().toISOString(),
  };
}

function roundSummary(s: LatencySummary): LatencySummary {
  return {
    ...s,
    p50: round(s.p50),
    p95: round(s.p95),
    p99: round(s.p99),
    max: round(s.max),
    mean: round(s.mean),
  };
}

/** Sets up one system, measures it, tears it down. */
export async function runSagas(
  options: Options,
  settings: Settings,
  system: 'product' | 'floor',
): Promise<SagaResult> {
  const setupStarted = performance.now();
  const n =
    (options.rate && options.duration
      ? Math.round(options.rate * options.duration)
      : options.sagas) + options.warmup;
  const target = system === 'floor' ? await setUpFloor(options, n) : await setUpProduct(options, n);
  try {
    return await measure(options, target, settings, setupStarted);
  } finally {
    await target.stop();
  }
}

/**
 * ANALYZE each table of each database that autovacuum would have analyzed by now (not measured):
 * changed since its last analysis by more than `autovacuum_analyze_threshold` rows plus
 * `autovacuum_analyze_scale_factor` of its rows. A table analyzed empty (a cold run's email queue,
 * before its first saga) is left as it is, as autovacuum leaves it: analyzed, PostgreSQL takes it to
 * be empty for the whole run (this machine runs without autovacuum), and one statement claiming
 * emails took 1.1–1.7 s a call in a cold run of 3,000 sagas.
 */
async function analyzeDatabases(urls: string[]): Promise<void> {
  await Promise.all(
    urls.map(async (url) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(
          `SELECT format('%I.%I', s.schemaname, s.relname) AS name
             FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.n_mod_since_analyze >
                  current_setting('autovacuum_analyze_threshold')::float8
                  + current_setting('autovacuum_analyze_scale_factor')::float8
                    * greatest(c.reltuples, 0)`,
        );
        for (const { name } of rows) await client.query(`ANALYZE ${name}`);
      } finally {
        await client.end();
      }
    }),
  );
}
