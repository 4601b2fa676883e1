/**
 * One fault run: its own broker and PostgreSQL, two instances of each service, N sagas of every
 * kind at a steady rate, upstream billing played (every refund settled once), faults on a seeded
 * schedule, then a bounded wait for every saga to end and the invariants over the whole history.
 */
import {
  ConsumerGroups,
  deadLetterTopicOf,
  PaymentCaptured,
  RefundRequested,
  RefundSettled,
  SIGNATURE_HEADER,
  signPayload,
  Topics,
} from '@app/contracts';
import { createEvent, TopicNames } from '@app/messaging';
import { freePort, ServiceName, TestMailbox } from '@app/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { describeFault, Fault, faultSchedule, seededRandom } from './fault-schedule';
import {
  checkInvariants,
  DrivenSaga,
  History,
  HistoryEvent,
  IN_FLIGHT_PER_KILL,
  InvariantResult,
  kindsDriven,
  Money,
} from './invariants';
import { OwnBroker, OwnPostgres, ROOT, tearDownEverything, teardowns } from './own-infrastructure';
import { planSagas, REVIEW_DOCUMENTS, SagaPlan } from './saga-kinds';
import { HttpRefused, Instance, SERVICES, ServiceInstances } from './service-instances';
import { kafkaClient } from '@app/messaging';

const exec = promisify(execFile);
const PREFIX = 'chaos.';
const SECRET = `chaos-${randomBytes(8).toString('hex')}`;
const GROUPS: Record<ServiceName, string> = {
  billing: ConsumerGroups.Billing,
  eligibility: ConsumerGroups.Eligibility,
  licensing: ConsumerGroups.Licensing,
  notifications: ConsumerGroups.Notifications,
};

export interface ChaosOptions {
  sagas: number;
  rate: number;
  seed: number;
  instances: number;
  kills: number;
  brokerKills: number;
  dbRestarts: number;
  replays: boolean;
  /** Share of payments delivered twice (same record again, or the same payment under a new id). */
  duplicates: number;
  /** Seconds to wait for every saga to end once the faults stop. */
  settleTimeout: number;
  log: (line: string) => void;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'log'>;
  command: string;
  ok: boolean;
  invariants: InvariantResult[];
  kinds: Record<string, number>;
  faults: { at: string; fault: string; tookMs: number }[];
  /** Sagas the driver could not place (no order): not sagas, listed apart. */
  notPlaced: string[];
  /** Payment to terminal state, ms (from billing's own timestamps). */
  latencyMs: { p50: number; p95: number; max: number };
  /** Processes that exited before ready and were started again (by instance). */
  failedStarts: Record<string, number>;
  wallSeconds: number;
  settledInSeconds: number;
}

export function replayCommand(options: Omit<ChaosOptions, 'log'>): string {
  return (
    `npm run chaos -- --sagas ${options.sagas} --rate ${options.rate} --seed ${options.seed} ` +
    `--instances ${options.instances} --kills ${options.kills} --broker-kills ${options.brokerKills} ` +
    `--db-restarts ${options.dbRestarts} --duplicates ${options.duplicates}` +
    (options.replays ? '' : ' --no-replays')
  );
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const { log, ...plain } = options;
  const random = seededRandom(options.seed ^ 0x5eed);
  const runId = randomBytes(3).toString('hex');
  const [kafkaPort, controllerPort, pgPort] = await distinctFreePorts(3);
  log(`seed ${options.seed}; own broker on :${kafkaPort}, own PostgreSQL on :${pgPort}`);
  // Each registers its teardown as it comes up: one failing to start leaves nothing behind.
  const infrastructure = await Promise.allSettled([
    OwnBroker.start(kafkaPort, controllerPort, mkdtempSync(join(tmpdir(), 'chaos-kafka-')), PREFIX),
    OwnPostgres.start(pgPort),
    TestMailbox.start(),
  ] as const);
  const failed = infrastructure.find((s) => s.status === 'rejected');
  if (failed) {
    await tearDownEverything();
    throw failed.reason;
  }
  const [broker, postgres, mailbox] = infrastructure.map(
    (s) => (s as PromiseFulfilledResult<unknown>).value,
  ) as [OwnBroker, OwnPostgres, TestMailbox];
  teardowns.set(mailbox, () => mailbox.stop());
  const kafka = kafkaClient({
    clientId: 'chaos',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 200, retries: 10 },
  });
  let instances: ServiceInstances | undefined;
  let upstream: Consumer | undefined;
  let producer: Producer | undefined;
  try {
    const databases = Object.fromEntries(
      await Promise.all(
        SERVICES.map(async (s) => [s, await postgres.createDatabase(`chaos_${s}`)] as const),
      ),
    ) as Record<ServiceName, string>;
    instances = ServiceInstances.create(options.instances, (service) => ({
      DATABASE_URL: databases[service],
      KAFKA_TOPIC_PREFIX: PREFIX,
      KAFKA_BROKERS: broker.brokers.join(','),
      SMTP_URL: mailbox.url,
      // At most this many emails sent and not recorded per kill: what the invariant allows.
      EMAIL_WAVE_SIZE: String(IN_FLIGHT_PER_KILL),
      UPSTREAM_SIGNING_SECRET: SECRET,
      // A change window's start is met within 0.2 s.
      ACTIVATION_SWEEP_MS: '200',
      LOG_LEVEL: 'warn',
    }));
    const all = instances;
    teardowns.set(all, () => all.killAll());
    log(`starting ${all.all.length} service instances`);
    await instances.startAll();

    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const publish = publisher(producer);
    upstream = await playUpstreamBilling(kafka, publish);

    const durationMs = Math.round((options.sagas / options.rate) * 1000);
    const schedule = faultSchedule(options.seed, {
      durationMs,
      instanceKills: options.kills,
      brokerKills: options.brokerKills,
      databaseRestarts: options.dbRestarts,
      replays: options.replays,
    });
    log(
      `driving ${options.sagas} sagas at ${options.rate}/s (~${Math.round(durationMs / 1000)} s); ` +
        `${schedule.length} faults scheduled`,
    );
    const plans = planSagas(runId, options.sagas);
    const injector = new FaultInjector(instances, broker, postgres, kafka, log);
    const driveStarted = Date.now();
    const faultsDone = injector.run(schedule, driveStarted);
    // A fault that could not be injected fails the run once the sagas are driven (awaited below),
    // not the process meanwhile as an unhandled rejection.
    faultsDone.catch(() => undefined);
    const driven = await driveSagas(plans, options, instances, publish, random, driveStarted);
    await faultsDone;
    const sagas = driven.filter((d): d is DrivenSaga => 'orderId' in d);
    const notPlaced = driven
      .filter((d): d is { failed: string } => 'failed' in d)
      .map((d) => d.failed);
    log(
      `${sagas.length} sagas placed and paid (${notPlaced.length} not placed); waiting for their end`,
    );

    const settleStarted = Date.now();
    await settle(sagas, databases, kafka, instances, options.settleTimeout * 1000, log);
    const settledInSeconds = Math.round((Date.now() - settleStarted) / 1000);

    const history = await readHistory(sagas, databases, kafka, mailbox, instances);
    history.notificationsKilledAt = injector.notificationsKilledAt;
    const invariants = checkInvariants(history);
    return {
      options: plain,
      command: replayCommand(plain),
      ok: invariants.every((i) => i.ok) && notPlaced.length === 0,
      invariants,
      kinds: kindsDriven(sagas),
      faults: injector.done,
      notPlaced,
      latencyMs: await latencies(databases.billing, sagas),
      failedStarts: Object.fromEntries(
        instances.all.filter((i) => i.failedStarts > 0).map((i) => [i.name, i.failedStarts]),
      ),
      wallSeconds: Math.round((Date.now() - started) / 1000),
      settledInSeconds,
    };
  } finally {
    await upstream?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await tearDownEverything();
  }
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

// ---------------------------------------------------------------------------------------------
// Upstream billing: signed records on billing.payments.v1, every RefundRequested settled once.

type Publish = (topic: string, key: string, value: Buffer, signed: boolean) => Promise<void>;

/** Produces until the broker takes it (it may be down for a while). */
function publisher(producer: Producer): Publish {
  return async (topic, key, value, signed) => {
    for (;;) {
      try {
        await producer.send({
          topic: PREFIX + topic,
          acks: -1,
          messages: [
            {
              key,
              value,
              headers: signed
                ? { [SIGNATURE_HEADER]: signPayload(SECRET, value, Math.floor(Date.now() / 1000)) }
                : {},
            },
          ],
        });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
}

async function playUpstreamBilling(kafka: Kafka, publish: Publish): Promise<Consumer> {
  const settled = new Set<string>();
  const consumer = kafka.consumer({ groupId: 'chaos-upstream-billing', maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [PREFIX + Topics.BillingRefunds], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = parse(message.value);
      if (event?.type !== RefundRequested.type) return;
      const request = event.data as unknown as RefundRequested;
      // The refund id is the idempotency key: a request seen again is not paid twice.
      if (settled.has(request.refundId)) return;
      const settlement = createEvent(
        RefundSettled,
        {
          refundId: request.refundId,
          orderId: request.orderId,
          accountId: request.accountId,
          amount: request.amount,
          settledAt: new Date().toISOString(),
        },
        { source: 'upstream-billing', correlationId: request.orderId },
        new Date(),
      );
      await publish(
        Topics.BillingPayments,
        request.accountId,
        Buffer.from(JSON.stringify(settlement)),
        true,
      );
      settled.add(request.refundId);
    },
  });
  return consumer;
}

function parse(value: Buffer | null): HistoryEvent | undefined {
  if (!value) return undefined;
  try {
    const event = JSON.parse(value.toString('utf8')) as {
      specversion?: string;
      id: string;
      type: string;
      data: Record<string, unknown>;
    };
    return event?.specversion === '1.0'
      ? { topic: '', id: event.id, type: event.type, data: event.data ?? {} }
      : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The driver: each saga as its users and neighbours play it, started at a steady rate.

async function driveSagas(
  plans: SagaPlan[],
  options: ChaosOptions,
  instances: ServiceInstances,
  publish: Publish,
  random: () => number,
  startedAt: number,
): Promise<(DrivenSaga | { failed: string })[]> {
  // Decided up front so the run does not depend on timing: which payments are delivered twice.
  const duplicates = plans.map(() =>
    random() < options.duplicates ? (random() < 0.5 ? 'same-record' : 'same-payment') : undefined,
  );
  const delays = plans.map(() => Math.round(random() * 3000));
  return Promise.all(
    plans.map(async (plan, i) => {
      const due = startedAt + (i / options.rate) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      try {
        return await driveSaga(plan, instances, publish, duplicates[i], delays[i]);
      } catch (error) {
        return { failed: `${plan.accountId} (${plan.kind}): ${(error as Error).message}` };
      }
    }),
  );
}

async function driveSaga(
  plan: SagaPlan,
  instances: ServiceInstances,
  publish: Publish,
  duplicate: 'same-record' | 'same-payment' | undefined,
  duplicateDelayMs: number,
): Promise<DrivenSaga> {
  const ok = (status: number) => status >= 200 && status < 300;
  if (plan.other) {
    await instances.http(
      'licensing',
      'PUT',
      `/accounts/${plan.other.accountId}`,
      plan.other.account,
      ok,
    );
    // As ops would: the other account is known to eligibility before its license is ordered
    // (else the license is not found rather than not owned).
    for (;;) {
      const copy = await instances.http(
        'eligibility',
        'GET',
        `/accounts/${plan.other.accountId}`,
        undefined,
        (s) => s === 200 || s === 404,
      );
      if (copy.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  await instances.http('licensing', 'PUT', `/accounts/${plan.accountId}`, plan.account, ok);
  const customer = { name: `Customer ${plan.index}`, email: `${plan.accountId}@chaos.example` };
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const order = await placeOrder(plan, customer, instances, inSeconds);

  const pay = async (paymentId: string, amount: Money) => {
    const event = createEvent(
      PaymentCaptured,
      {
        paymentId,
        orderId: order.id,
        accountId: plan.accountId,
        amount,
        capturedAt: new Date().toISOString(),
      },
      { source: 'upstream-billing', correlationId: order.id },
      new Date(),
    );
    const bytes = Buffer.from(JSON.stringify(event));
    await publish(Topics.BillingPayments, plan.accountId, bytes, true);
    return { event, bytes };
  };
  const amount = {
    amountMinor: order.amount.amountMinor + plan.paymentDelta,
    currency: order.amount.currency,
  };
  const paymentId = `pay-${plan.accountId}-1`;
  const first = await pay(paymentId, amount);
  const payments = [{ paymentId, amount }];
  if (duplicate) {
    await new Promise((resolve) => setTimeout(resolve, duplicateDelayMs));
    if (duplicate === 'same-record') {
      await publish(Topics.BillingPayments, plan.accountId, first.bytes, true);
    } else {
      await pay(paymentId, amount);
    }
  }

  if (plan.kind === 'review-approved' || plan.kind === 'review-denied') {
    await decideReview(plan, order.id, instances);
  }
  if (plan.secondPayment) {
    // A second, distinct payment once the first has been taken.
    const deadline = Date.now() + 300_000;
    for (;;) {
      const { body } = await instances.http<{ status: string }>(
        'billing',
        'GET',
        `/orders/${order.id}`,
        undefined,
        ok,
      );
      if (body.status !== 'AWAITING_PAYMENT') break;
      if (Date.now() > deadline) throw new Error(`order ${order.id} never taken its first payment`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const second = `pay-${plan.accountId}-2`;
    await pay(second, order.amount);
    payments.push({ paymentId: second, amount: order.amount });
  }
  return { plan, orderId: order.id, customerEmail: customer.email, amount: order.amount, payments };
}

async function placeOrder(
  plan: SagaPlan,
  customer: { name: string; email: string },
  instances: ServiceInstances,
  inSeconds: (s: number) => string,
): Promise<{ id: string; amount: Money }> {
  const created = (status: number) => status === 201;
  // An order whose answer was lost (instance killed) cannot be found again: quote anew.
  for (let attempt = 1; ; attempt++) {
    const quote = await instances.http<{ id: string }>(
      'billing',
      'POST',
      '/quotes',
      {
        accountId: plan.accountId,
        region: plan.region,
        licenseIds: plan.licenseIds,
        addOns: plan.changeWindowInSeconds ? ['SCHEDULED_ACTIVATION'] : [],
      },
      created,
    );
    try {
      const order = await instances.http<{ id: string; amount: Money }>(
        'billing',
        'POST',
        '/orders',
        {
          quoteId: quote.body.id,
          customer,
          ...(plan.changeWindowInSeconds
            ? {
                changeWindow: {
                  startsAt: inSeconds(plan.changeWindowInSeconds),
                  endsAt: inSeconds(3600),
                },
              }
            : {}),
        },
        created,
        Date.now() + 60_000,
      );
      return order.body;
    } catch (error) {
      if (attempt >= 3 || !(error instanceof HttpRefused)) throw error;
    }
  }
}

/** Ops check the documents and decide, as the kind says. */
async function decideReview(
  plan: SagaPlan,
  orderId: string,
  instances: ServiceInstances,
): Promise<void> {
  const ok = (status: number) => status >= 200 && status < 300;
  const deadline = Date.now() + 300_000;
  let reviewId: string | undefined;
  while (!reviewId) {
    const found = await instances.http<{ reviewId?: string }>(
      'eligibility',
      'GET',
      `/cases/${orderId}`,
      undefined,
      (s) => ok(s) || s === 404,
    );
    reviewId = found.status === 200 ? (found.body?.reviewId ?? undefined) : undefined;
    if (reviewId) break;
    if (Date.now() > deadline) throw new Error(`no review for ${orderId}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const approve = plan.kind === 'review-approved';
  // A retried call may find its first attempt done: 409 (already decided) is an answer too.
  const done = (s: number) => ok(s) || s === 409;
  for (const document of approve ? REVIEW_DOCUMENTS : [REVIEW_DOCUMENTS[0]]) {
    await instances.http(
      'eligibility',
      'POST',
      `/reviews/${reviewId}/documents/${document}`,
      {
        status: approve ? 'VERIFIED' : 'REJECTED',
      },
      done,
    );
  }
  await instances.http(
    'eligibility',
    'POST',
    `/reviews/${reviewId}/decision`,
    {
      decision: approve ? 'approve' : 'deny',
    },
    done,
  );
}

// ---------------------------------------------------------------------------------------------
// Faults

class FaultInjector {
  readonly done: { at: string; fault: string; tookMs: number }[] = [];
  /** When an instance of notifications was killed (its emails in flight may go out twice). */
  readonly notificationsKilledAt: number[] = [];
  private readonly restarts = new Map<Instance, Promise<void>>();

  constructor(
    private readonly instances: ServiceInstances,
    private readonly broker: OwnBroker,
    private readonly postgres: OwnPostgres,
    private readonly kafka: Kafka,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Three tracks at once, each in time order: instance kills, broker and database outages,
   * replays (a replay takes its service down for a while; kills go on meanwhile).
   */
  async run(schedule: Fault[], startedAt: number): Promise<void> {
    const track = (fault: Fault) =>
      fault.kind === 'kill-instance' ? 0 : fault.kind === 'replay' ? 2 : 1;
    await Promise.all(
      [0, 1, 2].map((t) =>
        this.runTrack(
          schedule.filter((f) => track(f) === t),
          startedAt,
        ),
      ),
    );
    await Promise.all(this.restarts.values());
  }

  private async runTrack(schedule: Fault[], startedAt: number): Promise<void> {
    for (const fault of schedule) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, startedAt + fault.atMs - Date.now())),
      );
      const t0 = Date.now();
      const what = await this.inject(fault);
      const tookMs = Date.now() - t0;
      const at = `+${Math.round((t0 - startedAt) / 1000)} s (${new Date(t0).toISOString().slice(11, 19)})`;
      this.done.push({ at, fault: what, tookMs });
      this.log(`fault ${at}: ${what} (${tookMs} ms)`);
    }
  }

  private async inject(fault: Fault): Promise<string> {
    switch (fault.kind) {
      case 'kill-instance': {
        // Every instance may be down or coming back (after the broker's kill, say): wait for one.
        const waitUntil = Date.now() + 120_000;
        let up = this.instances.all.filter((i) => i.up && !this.restarts.has(i));
        while (up.length === 0 && Date.now() < waitUntil) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          up = this.instances.all.filter((i) => i.up && !this.restarts.has(i));
        }
        if (up.length === 0) return `${describeFault(fault)}: no instance up for 120 s, skipped`;
        const victim = up[fault.victim % up.length];
        if (victim.service === 'notifications') this.notificationsKilledAt.push(Date.now());
        await victim.kill();
        const restart = (async () => {
          await new Promise((resolve) => setTimeout(resolve, fault.downMs));
          await victim.start();
        })()
          .catch((error: Error) => this.log(`${victim.name} did not come back: ${error.message}`))
          .finally(() => this.restarts.delete(victim));
        this.restarts.set(victim, restart);
        return `kill -9 ${victim.name} (restart after ${fault.downMs} ms)`;
      }
      case 'kill-broker':
        await this.broker.kill9();
        await new Promise((resolve) => setTimeout(resolve, fault.downMs));
        await this.broker.restart();
        return describeFault(fault);
      case 'restart-database':
        await this.postgres.stopImmediate();
        await new Promise((resolve) => setTimeout(resolve, fault.downMs));
        await this.postgres.start();
        return describeFault(fault);
      case 'replay':
        return this.replay(fault.service, fault.backMs);
    }
  }

  /** Stops the service's instances, moves its group back over every topic it reads, restarts. */
  private async replay(service: ServiceName, backMs: number): Promise<string> {
    const mine = this.instances.of(service);
    // An instance being restarted after a kill comes back first, then goes down with the rest.
    await Promise.all(mine.map((i) => this.restarts.get(i) ?? Promise.resolve()));
    await Promise.all(mine.map((i) => i.stop()));
    const group = GROUPS[service];
    // The broker may be down meanwhile (its kill is on another track), or the group still settling
    // after its members left: each step is tried again until it works.
    const topics = await untilItWorks(async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        return (await admin.fetchOffsets({ groupId: new TopicNames(PREFIX).physical(group) })).map(
          (t) => t.topic.slice(PREFIX.length),
        );
      } finally {
        await admin.disconnect();
      }
    });
    const from = new Date(Date.now() - backMs).toISOString();
    // One after the other: each `ops replay` joins the group for a moment to move its offsets.
    for (const topic of topics) {
      const args = ['replay', '--group', group, '--topic', topic, '--from', from, '--json'];
      await untilItWorks(() =>
        exec(process.execPath, [join(ROOT, 'dist/apps/ops/src/main.js'), ...args], {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            KAFKA_BROKERS: this.broker.brokers.join(','),
            KAFKA_TOPIC_PREFIX: PREFIX,
          },
          timeout: 120_000,
        }),
      );
    }
    await Promise.all(mine.map((i) => i.start()));
    return `replay: ${service}'s group moved back to ${from} on ${topics.length} topics`;
  }
}

// ---------------------------------------------------------------------------------------------
// The end: a bounded wait for every saga, then the whole history read back.

async function query<T extends object>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function settle(
  sagas: DrivenSaga[],
  databases: Record<ServiceName, string>,
  kafka: Kafka,
  instances: ServiceInstances,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const orderIds = sagas.map((s) => s.orderId);
  let last = '';
  while (Date.now() < deadline) {
    try {
      const [{ open }] = await query<{ open: string }>(
        databases.billing,
        `SELECT count(*) AS open FROM orders WHERE id = ANY($1) AND status NOT IN ('FULFILLED','REFUNDED')`,
        [orderIds],
      );
      const [{ unsettled }] = await query<{ unsettled: string }>(
        databases.billing,
        `SELECT count(*) AS unsettled FROM refunds WHERE status <> 'SETTLED'`,
      );
      const [{ mails }] = await query<{ mails: string }>(
        databases.notifications,
        `SELECT count(*) AS mails FROM notifications WHERE status IN ('PENDING','SENDING')`,
      );
      const outbox = await Promise.all(
        SERVICES.map(async (s) =>
          Number(
            (
              await query<{ n: string }>(databases[s], 'SELECT count(*) AS n FROM outbox_messages')
            )[0].n,
          ),
        ),
      );
      const lag = await groupLags(kafka);
      const ready = (await Promise.all(instances.all.map((i) => i.readiness()))).filter(
        (s) => s === 200,
      ).length;
      const total = Object.values(lag).reduce((a, b) => a + b, 0);
      last = `${open} orders open, ${unsettled} refunds unsettled, ${mails} emails to send, outbox ${outbox.join('/')}, lag ${total}, ${ready}/${instances.all.length} ready`;
      if (
        Number(open) + Number(unsettled) + Number(mails) + total === 0 &&
        outbox.every((n) => n === 0) &&
        ready === instances.all.length
      ) {
        log(`settled: ${last}`);
        return;
      }
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  log(`not settled after ${timeoutMs / 1000} s: ${last}`);
}

/** Runs `step` until it succeeds: up to 60 attempts, 2 s apart (then its last failure). */
async function untilItWorks<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function groupLags(kafka: Kafka): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lags: Record<string, number> = {};
    const highs = new Map<string, Map<number, bigint>>();
    for (const group of Object.values(GROUPS)) {
      let lag = 0;
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: PREFIX + group })) {
        if (!highs.has(topic)) {
          highs.set(
            topic,
            new Map(
              (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]),
            ),
          );
        }
        for (const p of partitions) {
          const committed = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
          lag += Number((highs.get(topic)!.get(p.partition) ?? 0n) - committed);
        }
      }
      lags[group] = lag;
    }
    return lags;
  } finally {
    await admin.disconnect();
  }
}

/** Every record of every topic (saga and dead-letter topics), from the beginning to the end now. */
async function readAllTopics(
  kafka: Kafka,
): Promise<{ events: HistoryEvent[]; deadLetters: string[] }> {
  const logical = [...Object.values(Topics), ...Object.values(GROUPS).map(deadLetterTopicOf)];
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  for (const topic of logical) {
    for (const p of await admin.fetchTopicOffsets(PREFIX + topic)) {
      if (BigInt(p.high) > BigInt(p.low))
        remaining.set(`${PREFIX}${topic}:${p.partition}`, BigInt(p.high) - 1n);
    }
  }
  await admin.disconnect();
  const events: HistoryEvent[] = [];
  const deadLetters: string[] = [];
  if (remaining.size === 0) return { events, deadLetters };
  const consumer = kafka.consumer({
    groupId: `chaos-history-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: logical.map((t) => PREFIX + t), fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`history not read to the end: ${[...remaining.keys()].join(', ')}`)),
      300_000,
    );
    void consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const name = topic.slice(PREFIX.length);
        if (name.endsWith('.dlq.v1')) {
          deadLetters.push(
            `${name}: ${message.headers?.['dlq-reason']?.toString() ?? ''} ${message.value?.toString('utf8').slice(0, 200)}`,
          );
        } else {
          const event = parse(message.value);
          if (event) events.push({ ...event, topic: name });
        }
        const key = `${topic}:${partition}`;
        const last = remaining.get(key);
        if (last !== undefined && BigInt(message.offset) >= last) remaining.delete(key);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return { events, deadLetters };
}

async function readHistory(
  sagas: DrivenSaga[],
  databases: Record<ServiceName, string>,
  kafka: Kafka,
  mailbox: TestMailbox,
  instances: ServiceInstances,
): Promise<History> {
  const { events, deadLetters } = await readAllTopics(kafka);
  const orders = await query<{ id: string; status: string }>(
    databases.billing,
    'SELECT id, status FROM orders',
  );
  const licenses = await query<{ id: string; status: string }>(
    databases.licensing,
    'SELECT id, status FROM licenses',
  );
  const outbox: Record<string, number> = {};
  for (const s of SERVICES) {
    outbox[s] = Number(
      (await query<{ n: string }>(databases[s], 'SELECT count(*) AS n FROM outbox_messages'))[0].n,
    );
  }
  const readiness: Record<string, number | string> = {};
  for (const instance of instances.all) readiness[instance.name] = await instance.readiness();
  return {
    sagas,
    events,
    orderStatus: new Map(orders.map((o) => [o.id, o.status])),
    licenseStatus: new Map(licenses.map((l) => [l.id, l.status])),
    emails: mailbox.mails.map((m) => ({
      to: m.to,
      subject: m.subject,
      messageId: m.messageId,
      acceptedAt: m.acceptedAt,
    })),
    deadLetters,
    lag: await groupLags(kafka),
    outbox,
    readiness,
    notificationsKilledAt: [],
  };
}

/** Payment received to the order's end, as billing recorded them. */
async function latencies(billing: string, sagas: DrivenSaga[]): Promise<ChaosReport['latencyMs']> {
  const rows = await query<{ ms: string }>(
    billing,
    `SELECT extract(epoch FROM (coalesce(o.fulfilled_at, o.refunded_at) - p.received_at)) * 1000 AS ms
       FROM orders o JOIN payments p ON p.order_id = o.id
      WHERE o.id = ANY($1) AND p.payment_id LIKE '%-1' AND coalesce(o.fulfilled_at, o.refunded_at) IS NOT NULL`,
    [sagas.map((s) => s.orderId)],
  );
  const sorted = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
        NaN,
    );
  return { p50: at(50), p95: at(95), max: Math.round(sorted[sorted.length - 1] ?? NaN) };
}
