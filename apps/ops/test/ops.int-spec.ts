/**
 * The ops CLI against the real broker and PostgreSQL, with eligibility running as a real process
 * (it consumes reactivation.billing.v1): dead letters listed and redriven once, a stopped group
 * moved back without duplicating anything (and refused while live), a live replay, lag, and the
 * story and verdict of a finished and of a stalled saga.
 */
import {
  AccountSnapshot,
  CloudEvent,
  ConsumerGroups,
  EligibilityVerified,
  EntitlementsRestored,
  EventContract,
  OrderFulfilled,
  OrderPaid,
  Topics,
} from '@app/contracts';
import { AccountScoped, createEvent } from '@app/messaging';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  queryDatabase,
  ServiceProcess,
  startService,
  testInfrastructure,
  TestPublisher,
  TopicRecorder,
  daysFromNow,
  TEST_OPS_TOKEN,
  quiesceServices,
  paidOrder,
  suspendedAccount,
  fixtureIds,
} from '@app/testing';
import { randomUUID } from 'node:crypto';
import { ConsoleIo } from '../src/cli/console-io';
import { runOps } from '../src/ops.program';

const GROUP = ConsumerGroups.Eligibility;

interface OpsRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('ops CLI (real Kafka, real PostgreSQL, eligibility running)', () => {
  let prefix: string;
  let databaseUrl: string;
  let eligibility: ServiceProcess;
  let publisher: TestPublisher;
  let recorder: TopicRecorder;
  const accountId = `acc-${randomUUID()}`;

  async function ops(...args: string[]): Promise<OpsRun> {
    const run = { stdout: '', stderr: '' };
    const io: ConsoleIo = {
      out: (text) => (run.stdout += text.endsWith('\n') ? text : `${text}\n`),
      err: (text) => (run.stderr += text),
      interactive: false,
    };
    const code = await runOps(args, io, {
      KAFKA_BROKERS: testInfrastructure().brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      // `saga` reads each service's state over HTTP: eligibility runs, billing does not here.
      ELIGIBILITY_URL: eligibility.url,
      BILLING_URL: 'http://127.0.0.1:9',
      OPS_API_TOKEN: TEST_OPS_TOKEN,
    });
    return { code, ...run };
  }

  async function opsJson<T>(...args: string[]): Promise<T> {
    const run = await ops(...args, '--json');
    if (run.code !== 0) throw new Error(`ops ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  }

  /** Publishes an event as a service would, caused by another one. */
  async function publishCaused<C extends EventContract>(
    contract: C,
    data: InstanceType<C> & AccountScoped,
    cause: CloudEvent,
    source: string,
  ): Promise<CloudEvent> {
    const event = createEvent(contract, data, { source, cause }, new Date());
    await publisher.raw(contract.topic, data.accountId, JSON.stringify(event));
    return event;
  }

  const decisionsOf = (orderId: string) =>
    recorder.records.filter(
      (r) => r.topic === Topics.ReactivationEligibility && r.event?.data.orderId === orderId,
    );

  const caseCount = async () =>
    Number(
      (
        await queryDatabase<{ n: string }>(
          databaseUrl,
          'SELECT count(*) AS n FROM eligibility_cases',
        )
      )[0].n,
    );

  async function startEligibility(): Promise<ServiceProcess> {
    return startService('eligibility', { DATABASE_URL: databaseUrl, KAFKA_TOPIC_PREFIX: prefix });
  }

  beforeAll(async () => {
    prefix = await createTestTopics();
    databaseUrl = await createTestDatabase('ops');
    eligibility = await startEligibility();
    publisher = await TestPublisher.connect(prefix);
    recorder = await TopicRecorder.start(prefix, [Topics.ReactivationEligibility]);
    await publisher.event(AccountSnapshot, suspendedAccount(accountId), {
      correlationId: accountId,
    });
    await eventually(async () => {
      const response = await eligibility.http<{ version: number }>('GET', `/accounts/${accountId}`);
      expect(response.status).toBe(200);
    });
  });

  afterAll(async () => {
    await recorder?.stop();
    await publisher?.disconnect();
    await eligibility?.stop();
  });

  let handledOrder: OrderPaid;
  let handledPaid: CloudEvent;

  it('lists a poison record with its reason, and redrives a dead letter once its cause is fixed', async () => {
    await publisher.raw(Topics.ReactivationBilling, accountId, 'this is not JSON');

    // The cause: a database object refusing new cases (a maintenance lock left behind).
    await queryDatabase(
      databaseUrl,
      `CREATE FUNCTION refuse_cases() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION 'eligibility_cases is locked for maintenance'; END $$`,
    );
    await queryDatabase(
      databaseUrl,
      'CREATE TRIGGER maintenance_lock BEFORE INSERT ON eligibility_cases FOR EACH ROW EXECUTE FUNCTION refuse_cases()',
    );
    handledOrder = paidOrder(accountId);
    handledPaid = await publisher.event(OrderPaid, handledOrder);

    type Listed = {
      id: string;
      errorCode: string;
      reason: string;
      eventType?: string;
      redrivenAt?: string;
    }[];
    const letters = await eventually(
      async () => {
        const listed = await opsJson<Listed>('dlq', 'list', '--group', GROUP);
        expect(listed).toHaveLength(2);
        return listed;
      },
      60_000,
      1000,
    );
    const poison = letters.find((l) => l.errorCode === 'NOT_JSON')!;
    const failed = letters.find((l) => l.eventType === OrderPaid.type)!;
    expect(poison.reason).toMatch(/JSON/);
    expect(failed.reason).toContain('locked for maintenance');
    expect(decisionsOf(handledOrder.orderId)).toHaveLength(0);

    const human = await ops('dlq', 'list', '--group', GROUP);
    expect(human.stdout).toContain(failed.id);
    expect(human.stdout).toContain('2 dead letter(s), 2 not redriven');
    const shown = await ops('dlq', 'show', failed.id);
    expect(shown.stdout).toContain('locked for maintenance');
    expect(shown.stdout).toContain(handledPaid.id);
    // The customer is sealed for notifications: the dead letter shows which key, never who.
    expect(shown.stdout).toContain('(sealed, key ');
    expect(shown.stdout).not.toMatch(/Ada Customer|ada@example\.com/);

    // A dry run sends nothing.
    const dry = await opsJson<{ outcomes: { action: string }[] }>(
      'dlq',
      'redrive',
      '--group',
      GROUP,
      '--filter',
      `type=${OrderPaid.type}`,
      '--dry-run',
    );
    expect(dry.outcomes.map((o) => o.action)).toEqual(['WOULD_REDRIVE']);

    await queryDatabase(databaseUrl, 'DROP TRIGGER maintenance_lock ON eligibility_cases');
    const first = await opsJson<{ redriven: number; skipped: number }>(
      'dlq',
      'redrive',
      '--group',
      GROUP,
      '--filter',
      `type=${OrderPaid.type}`,
    );
    expect(first).toMatchObject({ redriven: 1, skipped: 0 });

    const decision = await recorder.waitForEvent(
      EligibilityVerified.type,
      (d) => d.orderId === handledOrder.orderId,
    );
    expect(decision.causationid).toBe(handledPaid.id);

    const second = await opsJson<{ redriven: number; skipped: number }>(
      'dlq',
      'redrive',
      '--group',
      GROUP,
      '--filter',
      `type=${OrderPaid.type}`,
    );
    expect(second).toMatchObject({ redriven: 0, skipped: 1 });
    await quiesceServices([eligibility], recorder);
    expect(decisionsOf(handledOrder.orderId)).toHaveLength(1);
    expect(await caseCount()).toBe(1);
    const after = await opsJson<Listed>('dlq', 'list', '--group', GROUP);
    expect(after.find((l) => l.id === failed.id)?.redrivenAt).toBeDefined();
    expect(after).toHaveLength(2); // the redriven record was handled, not dead-lettered again
  });

  it('refuses to move a live group, measures the lag of a stopped one, and moves it back without duplicating anything', async () => {
    const refused = await ops(
      'replay',
      '--group',
      GROUP,
      '--topic',
      Topics.ReactivationBilling,
      '--from',
      '0',
    );
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`consumer group ${GROUP} is live`);
    expect(refused.stderr).toContain('reactivation-eligibility@'); // the member: its client id and host
    expect(refused.stderr).toContain('stop the service first, or use --republish');

    await eligibility.stop();
    const missed = [paidOrder(accountId), paidOrder(accountId), paidOrder(accountId)];
    for (const order of missed) await publisher.event(OrderPaid, order);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    type Lag = {
      group: string;
      state: string;
      partitions: { topic: string; lag: number; lagSeconds: number }[];
    }[];
    // Other test runs may share the group name: wait until nobody is in it.
    const [lag] = await eventually(
      async () => {
        const measured = await opsJson<Lag>('lag', '--group', GROUP);
        expect(measured[0].state).toBe('Empty');
        return measured;
      },
      90_000,
      1000,
    );
    const billingLag = lag.partitions.filter((p) => p.topic === Topics.ReactivationBilling);
    expect(billingLag.reduce((sum, p) => sum + p.lag, 0)).toBe(3);
    for (const p of billingLag.filter((p) => p.lag > 0))
      expect(p.lagSeconds).toBeGreaterThanOrEqual(1);
    expect(
      lag.partitions.filter((p) => p.topic === Topics.LicensingAccounts).every((p) => p.lag === 0),
    ).toBe(true);

    const rewound = await eventually(
      () =>
        opsJson<{ redeliver: number }>(
          'replay',
          '--group',
          GROUP,
          '--topic',
          Topics.ReactivationBilling,
          '--from',
          '0',
        ),
      90_000,
      1000,
    );
    // Everything consumed before (the poison record, the handled order, the redriven copy) comes again.
    expect(rewound.redeliver).toBe(3);

    eligibility = await startEligibility();
    // Each missed order gets its decision (rejected: the account's first reactivation is still open).
    for (const order of missed) {
      await recorder.waitFor(
        (r) => r.event?.data.orderId === order.orderId,
        60_000,
        `a decision on ${order.orderId}`,
      );
    }
    await quiesceServices([eligibility], recorder);
    expect(decisionsOf(handledOrder.orderId)).toHaveLength(1);
    for (const order of missed) expect(decisionsOf(order.orderId)).toHaveLength(1);
    expect(await caseCount()).toBe(4);
    const letters = await opsJson<unknown[]>('dlq', 'list', '--group', GROUP);
    expect(letters).toHaveLength(2); // the poison record was not dead-lettered twice
  });

  it('re-publishes a range for live consumers, which changes nothing already done', async () => {
    const before = recorder.records.length;
    const result = await opsJson<{ republished: number }>(
      'replay',
      '--topic',
      Topics.ReactivationBilling,
      '--from',
      '0',
      '--republish',
    );
    expect(result.republished).toBe(6);
    await quiesceServices([eligibility], recorder);
    expect(recorder.records.length).toBe(before);
    expect(await caseCount()).toBe(4);
  });

  it('tells the story of a finished saga, with causes and the state in each service', async () => {
    const verified = await recorder.waitForEvent(
      EligibilityVerified.type,
      (d) => d.orderId === handledOrder.orderId,
    );
    const restored = await publishCaused(
      EntitlementsRestored,
      {
        orderId: handledOrder.orderId,
        accountId,
        licenses: [
          {
            licenseId: fixtureIds(accountId).licenseId,
            contractId: `${accountId}-ctr`,
            product: 'Poly Lens',
            expiresAt: daysFromNow(900),
            entitlements: [{ code: 'VIDEO', name: 'Video meetings' }],
          },
        ],
        contracts: [{ contractId: `${accountId}-ctr`, termsFingerprint: 'a'.repeat(64) }],
        termsUnchanged: true,
        clearedHoldIds: [fixtureIds(accountId).holdId],
        restoredAt: new Date().toISOString(),
      },
      verified as CloudEvent,
      'poly.reactivation.licensing',
    );
    await publishCaused(
      OrderFulfilled,
      {
        orderId: handledOrder.orderId,
        accountId,
        receipt: {
          lines: [],
          subtotalMinor: 4083,
          taxMinor: 817,
          totalMinor: 4900,
          currency: 'EUR',
          taxInclusive: true,
          taxRateBps: 2000,
        },
        fulfilledAt: new Date().toISOString(),
      },
      restored,
      'poly.reactivation.billing',
    );

    type Report = {
      events: { type: string; source: string; causedBy?: string }[];
      services: { service: string; status?: string; note?: string }[];
      verdict: { state: string; outcome?: string };
    };
    const report = await eventually(async () => {
      const r = await opsJson<Report>('saga', handledOrder.orderId);
      expect(r.verdict.state).toBe('FINISHED');
      return r;
    });
    expect(report.verdict.outcome).toBe(OrderFulfilled.type);
    expect(report.events.map((e) => [e.type, e.causedBy])).toEqual([
      [OrderPaid.type, undefined],
      [EligibilityVerified.type, OrderPaid.type],
      [EntitlementsRestored.type, EligibilityVerified.type],
      [OrderFulfilled.type, EntitlementsRestored.type],
    ]);
    expect(report.events[1].source).toBe('poly.reactivation.eligibility');
    expect(report.services.find((s) => s.service === 'eligibility')?.status).toBe('VERIFIED');
    expect(report.services.find((s) => s.service === 'billing')?.note).toContain(
      'billing is unreachable',
    );

    const human = await ops('saga', handledOrder.orderId);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('caused by EntitlementsRestored');
    expect(human.stdout).toContain('Verdict: finished: OrderFulfilled');
    expect(human.stderr).toMatch(/scanning topics: \d+\/\d+ records/);
  });

  it('points at the stuck stage of a stalled saga and the service expected to act', async () => {
    const stalled = paidOrder(accountId);
    await publisher.event(OrderPaid, stalled);
    await recorder.waitForEvent(EligibilityVerified.type, (d) => d.orderId === stalled.orderId);

    const run = await ops('saga', stalled.orderId, '--stuck-after', '0');
    expect(run.code).toBe(5);
    expect(run.stdout).toContain('Verdict: STUCK at EligibilityVerified');
    expect(run.stdout).toContain('next is licensing');
  });

  it('exposes the counters of this run on /metrics', async () => {
    const metrics = await eligibility.http<string>('GET', '/metrics');
    expect(metrics.status).toBe(200);
    const sample = (pattern: RegExp) => Number(pattern.exec(metrics.body)?.[1] ?? NaN);
    // Since its restart: the three missed orders handled, the rewound and republished copies recognised.
    expect(
      sample(
        /messaging_events_consumed_total\{[^}]*type="OrderPaid"[^}]*outcome="handled"[^}]*\} (\d+)/,
      ),
    ).toBeGreaterThanOrEqual(4);
    expect(
      sample(
        /messaging_events_consumed_total\{[^}]*type="OrderPaid"[^}]*outcome="duplicate"[^}]*\} (\d+)/,
      ),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(/messaging_dead_letters_total\{code="NOT_JSON"[^}]*\} (\d+)/),
    ).toBeGreaterThanOrEqual(1);
    expect(metrics.body).toContain('messaging_consumer_lag{');
  });

  it('is not ready while its database refuses connections, and ready again once it accepts them', async () => {
    const ready = () =>
      eligibility.http<{
        status: string;
        info?: Record<string, unknown>;
        error?: Record<string, unknown>;
      }>('GET', '/health/ready', undefined, null);
    const healthy = await ready();
    expect(healthy.status).toBe(200);
    expect(healthy.body.info).toHaveProperty('lag');

    const database = new URL(databaseUrl).pathname.slice(1);
    const admin = testInfrastructure().postgresAdminUrl;
    await queryDatabase(admin, `ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    try {
      await queryDatabase(
        admin,
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [database],
      );
      const down = await eventually(
        async () => {
          const response = await ready();
          expect(response.status).toBe(503);
          return response;
        },
        30_000,
        500,
      );
      expect(down.body.error).toHaveProperty('database');
    } finally {
      await queryDatabase(admin, `ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    }
    await eventually(async () => expect((await ready()).status).toBe(200), 60_000, 500);
  });

  it('says what to do when a topic is unknown or the broker is unreachable', async () => {
    const unknown = await ops(
      'replay',
      '--group',
      GROUP,
      '--topic',
      'no.such.topic.v1',
      '--from',
      '0',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown topic');
    expect(unknown.stderr).toContain('npm run kafka:start');

    const io = {
      out: () => undefined,
      err: (text: string) => (stderr += text),
      interactive: false,
    };
    let stderr = '';
    const code = await runOps(['lag'], io, { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(code).toBe(3);
    expect(stderr).toContain('is the broker up? `npm run kafka:start`');
  });
});
