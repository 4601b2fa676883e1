/**
 * Eligibility as a real process against the real broker and PostgreSQL: it learns accounts from
 * AccountSnapshot, checks each OrderPaid and publishes its decision; ops decide reviews over HTTP;
 * an undecided review expires.
 */
import {
  AccountSnapshot,
  CloudEvent,
  ConsumerGroups,
  deadLetterTopicOf,
  EligibilityRejected,
  EligibilityReviewRequired,
  EligibilityVerified,
  HoldSnapshotDto,
  OrderFulfilled,
  OrderPaid,
  Topics,
} from '@app/contracts';
import {
  accountsOnOnePartition,
  createTestDatabase,
  createTestTopics,
  eventually,
  ServiceProcess,
  startService,
  TEST_SUPPORT_TOKEN,
  TestPublisher,
  TopicRecorder,
  daysFromNow,
  quiesceServices,
  paidOrder,
  suspendedAccount,
} from '@app/testing';
import { randomUUID } from 'node:crypto';

const complianceHold = (accountId: string): HoldSnapshotDto => ({
  holdId: `${accountId}-kyc`,
  category: 'COMPLIANCE_HOLD',
  reason: 'KYC refresh',
  state: 'ACTIVE',
  requiredDocuments: ['passport', 'proof-of-address'],
});

interface Harness {
  prefix: string;
  databaseUrl: string;
  env: Record<string, string>;
  service: ServiceProcess;
  publisher: TestPublisher;
  recorder: TopicRecorder;
}

async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const prefix = await createTestTopics();
  const databaseUrl = await createTestDatabase('eligibility');
  const service = await startService('eligibility', {
    DATABASE_URL: databaseUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    ...env,
  });
  const publisher = await TestPublisher.connect(prefix);
  const recorder = await TopicRecorder.start(prefix, [
    Topics.ReactivationEligibility,
    deadLetterTopicOf(ConsumerGroups.Eligibility),
  ]);
  return { prefix, databaseUrl, env, service, publisher, recorder };
}

async function stopHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await h.recorder.stop();
  await h.publisher.disconnect();
  await h.service.stop();
}

/**
 * Publishes `events` while the service is down, then starts it again: those of one partition
 * reach it in one fetch, one chunk.
 */
async function publishWhileDown(h: Harness, events: () => Promise<void>): Promise<void> {
  await h.service.stop();
  await events();
  h.service = await startService('eligibility', {
    DATABASE_URL: h.databaseUrl,
    KAFKA_TOPIC_PREFIX: h.prefix,
    ...h.env,
  });
}

/** Publishes a snapshot and waits until eligibility holds that version (it is another topic). */
async function knowAccount(h: Harness, account: AccountSnapshot): Promise<void> {
  await h.publisher.event(AccountSnapshot, account, { correlationId: account.accountId });
  await eventually(async () => {
    const response = await h.service.http<{ version: number }>(
      'GET',
      `/accounts/${account.accountId}`,
    );
    expect(response.status).toBe(200);
    expect(response.body.version).toBe(account.version);
  });
}

function decisionOf(h: Harness, orderId: string): Promise<CloudEvent<Record<string, unknown>>> {
  return h.recorder
    .waitFor(
      (r) => r.topic === Topics.ReactivationEligibility && r.event?.data.orderId === orderId,
      30_000,
      `a decision on order ${orderId}`,
    )
    .then((r) => r.event!);
}

describe('eligibility (real Kafka, real PostgreSQL)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));
  // Every event these tests send is valid: each test ends with the service at rest and nothing
  // dead-lettered (checked after each test, so that each one stands on its own).
  afterEach(async () => {
    await quiesceServices([h.service], h.recorder);
    const deadLetters = h.recorder.records.filter(
      (r) => r.topic !== Topics.ReactivationEligibility,
    );
    expect(deadLetters.map((r) => r.headers)).toEqual([]);
  });

  it('verifies a suspended account with clearable holds, and keeps the account busy until the order ends', async () => {
    const accountId = `acc-${randomUUID()}`;
    await knowAccount(h, suspendedAccount(accountId));
    const order = paidOrder(accountId, {
      changeWindow: { startsAt: daysFromNow(2), endsAt: daysFromNow(3) },
    });
    const paid = await h.publisher.event(OrderPaid, order);

    const verified = await decisionOf(h, order.orderId);
    expect(verified.type).toBe(EligibilityVerified.type);
    expect(verified.subject).toBe(accountId);
    expect(verified.correlationid).toBe(order.orderId);
    expect(verified.causationid).toBe(paid.id);
    expect(verified.data).toEqual({
      orderId: order.orderId,
      accountId,
      licenseIds: [`${accountId}-lic-1`],
      holdIds: [`${accountId}-billing`],
      changeWindow: order.changeWindow,
      verifiedAt: expect.any(String),
    });

    // While this reactivation runs, another order for the account is refused.
    const second = paidOrder(accountId);
    await h.publisher.event(OrderPaid, second);
    const refused = await decisionOf(h, second.orderId);
    expect(refused.type).toBe(EligibilityRejected.type);
    expect(refused.data.reasons).toEqual(['REACTIVATION_IN_PROGRESS']);

    const caseView = await h.service.http(
      'GET',
      `/cases/${order.orderId}`,
      undefined,
      TEST_SUPPORT_TOKEN,
    );
    expect(caseView).toEqual({
      status: 200,
      body: expect.objectContaining({
        orderId: order.orderId,
        state: 'VERIFIED',
        open: true,
        reasons: [],
      }),
    });

    // The saga ends: the case closes and the account may be reactivated again.
    await h.publisher.event(OrderFulfilled, {
      orderId: order.orderId,
      accountId,
      receipt: {
        lines: [],
        subtotalMinor: 4900,
        taxMinor: 0,
        totalMinor: 4900,
        currency: 'EUR',
        taxInclusive: true,
        taxRateBps: 0,
      },
      fulfilledAt: new Date().toISOString(),
    });
    await eventually(async () => {
      const closed = await h.service.http<{ open: boolean; outcome: string }>(
        'GET',
        `/cases/${order.orderId}`,
      );
      expect(closed.body).toMatchObject({ open: false, outcome: 'FULFILLED' });
    });
    const third = paidOrder(accountId);
    await h.publisher.event(OrderPaid, third);
    expect((await decisionOf(h, third.orderId)).type).toBe(EligibilityVerified.type);
  });

  it('rejects a terminated account with ACCOUNT_TERMINATED, and ignores an older snapshot', async () => {
    const accountId = `acc-${randomUUID()}`;
    await knowAccount(h, suspendedAccount(accountId, { status: 'TERMINATED', version: 2 }));
    // A stale snapshot (version 1, suspended) arriving late must not resurrect the account.
    await h.publisher.event(AccountSnapshot, suspendedAccount(accountId, { version: 1 }), {
      correlationId: accountId,
    });
    const order = paidOrder(accountId);
    await h.publisher.event(OrderPaid, order);

    const rejected = await decisionOf(h, order.orderId);
    expect(rejected.type).toBe(EligibilityRejected.type);
    expect(rejected.data).toEqual({
      orderId: order.orderId,
      accountId,
      reasons: ['ACCOUNT_TERMINATED'],
      rejectedAt: expect.any(String),
    });
    const account = await h.service.http<{ version: number; status: string }>(
      'GET',
      `/accounts/${accountId}`,
    );
    expect(account.body).toMatchObject({ version: 2, status: 'TERMINATED' });
  });

  it('rejects a license of another account, an unknown license and every reason at once', async () => {
    const owner = `acc-${randomUUID()}`;
    const accountId = `acc-${randomUUID()}`;
    await knowAccount(h, suspendedAccount(owner));
    await knowAccount(
      h,
      suspendedAccount(accountId, {
        outstandingBalance: { amountMinor: 1200, currency: 'EUR' },
        holds: [
          {
            holdId: `${accountId}-billing`,
            category: 'BILLING_HOLD',
            reason: 'arrears',
            state: 'ACTIVE',
          },
          {
            holdId: `${accountId}-fraud`,
            category: 'FRAUD',
            reason: 'chargebacks',
            state: 'ACTIVE',
          },
        ],
      }),
    );
    const order = paidOrder(accountId, {
      licenseIds: [`${accountId}-lic-1`, `${owner}-lic-1`, 'lic-nowhere'],
    });
    await h.publisher.event(OrderPaid, order);
    expect((await decisionOf(h, order.orderId)).data.reasons).toEqual([
      'OUTSTANDING_BALANCE',
      'HOLD_NOT_CLEARABLE',
      'LICENSE_NOT_OWNED',
      'LICENSE_NOT_FOUND',
    ]);
  });

  it('lets an order that overtook its account wait for the snapshot, then decides it (in order)', async () => {
    const accountId = `acc-${randomUUID()}`;
    const order = paidOrder(accountId);
    await h.publisher.event(OrderPaid, order);
    // A second order for the same account, also before the account is known.
    const second = paidOrder(accountId);
    await h.publisher.event(OrderPaid, second);
    await eventually(async () => {
      const waiting = await h.service.http<{ state: string; open: boolean }>(
        'GET',
        `/cases/${second.orderId}`,
      );
      expect(waiting.body).toMatchObject({ state: 'AWAITING_ACCOUNT', open: true });
    });

    // The account is imported later (licensing.accounts.v1 is another topic); until then the
    // case waits and decides nothing.
    await quiesceServices([h.service], h.recorder);
    expect(h.recorder.records.filter((r) => r.event?.data.accountId === accountId)).toEqual([]);
    const account = await h.publisher.event(AccountSnapshot, suspendedAccount(accountId), {
      correlationId: accountId,
    });

    const verified = await decisionOf(h, order.orderId);
    expect(verified.type).toBe(EligibilityVerified.type);
    expect(verified.correlationid).toBe(order.orderId);
    expect(verified.causationid).toBe(account.id);
    expect(verified.data).toMatchObject({
      orderId: order.orderId,
      accountId,
      licenseIds: [`${accountId}-lic-1`],
      holdIds: [`${accountId}-billing`],
    });
    // The later order is decided after the first, as if the snapshot had come before both.
    const refused = await decisionOf(h, second.orderId);
    expect(refused.type).toBe(EligibilityRejected.type);
    expect(refused.data.reasons).toEqual(['REACTIVATION_IN_PROGRESS']);
    const caseView = await h.service.http('GET', `/cases/${order.orderId}`);
    expect(caseView.body).toMatchObject({ state: 'VERIFIED', open: true, accountVersion: 1 });
  });

  it('decides a run of paid orders fetched together as one by one would, each on its own account', async () => {
    const [a, b, c, g] = accountsOnOnePartition(4);
    await knowAccount(h, suspendedAccount(a));
    await knowAccount(h, suspendedAccount(g));
    await knowAccount(h, suspendedAccount(b, { status: 'TERMINATED' }));
    await knowAccount(
      h,
      suspendedAccount(c, { holds: [...suspendedAccount(c).holds, complianceHold(c)] }),
    );
    const run = [paidOrder(a), paidOrder(b), paidOrder(c), paidOrder(a), paidOrder(g)];
    await publishWhileDown(h, async () => {
      for (const order of run) await h.publisher.event(OrderPaid, order);
    });

    const decisions = await Promise.all(run.map((order) => decisionOf(h, order.orderId)));
    expect(decisions.map((d) => [d.type, d.data.reasons ?? null])).toEqual([
      [EligibilityVerified.type, null],
      [EligibilityRejected.type, ['ACCOUNT_TERMINATED']],
      [EligibilityReviewRequired.type, null],
      // The second order of a finds the first one's case open, as one by one would.
      [EligibilityRejected.type, ['REACTIVATION_IN_PROGRESS']],
      [EligibilityVerified.type, null],
    ]);
    expect(decisions.map((d) => d.correlationid)).toEqual(run.map((order) => order.orderId));
    for (const [order, accountId] of [
      [run[0], a],
      [run[4], g],
    ] as const) {
      const caseView = await h.service.http('GET', `/cases/${order.orderId}`);
      expect(caseView.body).toMatchObject({
        state: 'VERIFIED',
        open: true,
        accountVersion: 1,
        holdIds: [`${accountId}-billing`],
      });
    }
  });

  it('applies a run of snapshots fetched together, newer ones only', async () => {
    const [d, e, f] = accountsOnOnePartition(3);
    await knowAccount(h, suspendedAccount(f, { version: 2 }));
    await publishWhileDown(h, async () => {
      await h.publisher.event(AccountSnapshot, suspendedAccount(d, { version: 3 }));
      await h.publisher.event(AccountSnapshot, suspendedAccount(e));
      // Older than the copy held: ignored.
      await h.publisher.event(AccountSnapshot, suspendedAccount(f, { status: 'TERMINATED' }));
    });
    await eventually(async () => {
      const versions = await Promise.all(
        [d, e].map(
          async (id) =>
            (await h.service.http<{ version: number }>('GET', `/accounts/${id}`)).body.version,
        ),
      );
      expect(versions).toEqual([3, 1]);
    });
    const held = await h.service.http<{ version: number; status: string }>('GET', `/accounts/${f}`);
    expect(held.body).toMatchObject({ version: 2, status: 'SUSPENDED' });
  });

  it('decides an order once, however often its OrderPaid is delivered or re-published', async () => {
    const accountId = `acc-${randomUUID()}`;
    await knowAccount(h, suspendedAccount(accountId));
    const order = paidOrder(accountId);
    const paid = await h.publisher.event(OrderPaid, order);
    await decisionOf(h, order.orderId);

    await h.publisher.again(Topics.ReactivationBilling, paid); // a redelivery (same event id)
    await h.publisher.event(OrderPaid, order); // billing publishing the same order again
    // A later order of the same account (same partition) is decided after both copies were seen.
    const marker = paidOrder(accountId);
    await h.publisher.event(OrderPaid, marker);
    await decisionOf(h, marker.orderId);
    const decisions = h.recorder.records.filter((r) => r.event?.data.orderId === order.orderId);
    expect(decisions.map((r) => r.event?.type)).toEqual([EligibilityVerified.type]);
  });

  it('sends a compliance hold to review; ops verify the documents and approve', async () => {
    const accountId = `acc-${randomUUID()}`;
    await knowAccount(h, suspendedAccount(accountId, { holds: [complianceHold(accountId)] }));
    const order = paidOrder(accountId);
    await h.publisher.event(OrderPaid, order);

    const required = await decisionOf(h, order.orderId);
    expect(required.type).toBe(EligibilityReviewRequired.type);
    const { reviewId, requiredDocuments, holdIds, deadline } =
      required.data as unknown as EligibilityReviewRequired;
    expect(requiredDocuments).toEqual(['passport', 'proof-of-address']);
    expect(holdIds).toEqual([`${accountId}-kyc`]);
    const hoursLeft = (Date.parse(deadline) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(47.9);
    expect(hoursLeft).toBeLessThanOrEqual(48);

    const open = await h.service.http<{ reviewId: string }[]>(
      'GET',
      '/reviews?state=OPEN',
      undefined,
      TEST_SUPPORT_TOKEN,
    );
    expect(open.status).toBe(200);
    expect(open.body.map((r) => r.reviewId)).toContain(reviewId);
    // Support may look, not decide.
    const bySupport = await h.service.http(
      'POST',
      `/reviews/${reviewId}/decision`,
      { decision: 'approve' },
      TEST_SUPPORT_TOKEN,
    );
    expect(bySupport.status).toBe(403);

    await h.service.http('POST', `/reviews/${reviewId}/documents/passport`, { status: 'VERIFIED' });
    const early = await h.service.http('POST', `/reviews/${reviewId}/decision`, {
      decision: 'approve',
    });
    expect(early).toEqual({
      status: 409,
      body: expect.objectContaining({
        code: 'DOCUMENTS_NOT_VERIFIED',
        details: { missingDocuments: ['proof-of-address'] },
      }),
    });
    const unknownDocument = await h.service.http(
      'POST',
      `/reviews/${reviewId}/documents/tax-return`,
      { status: 'VERIFIED' },
    );
    expect(unknownDocument.status).toBe(404);
    const badStatus = await h.service.http('POST', `/reviews/${reviewId}/documents/passport`, {
      status: 'MAYBE',
    });
    expect(badStatus.status).toBe(400);

    await h.service.http('POST', `/reviews/${reviewId}/documents/proof-of-address`, {
      status: 'VERIFIED',
    });
    const approved = await h.service.http('POST', `/reviews/${reviewId}/decision`, {
      decision: 'approve',
      note: 'KYC ok',
    });
    expect(approved).toEqual({
      status: 200,
      body: expect.objectContaining({ state: 'APPROVED', note: 'KYC ok' }),
    });

    const verified = await h.recorder.waitForEvent<EligibilityVerified>(
      EligibilityVerified.type,
      (data) => data.orderId === order.orderId,
    );
    expect(verified.correlationid).toBe(order.orderId);
    expect(verified.data.holdIds).toEqual([`${accountId}-kyc`]);
    expect(verified.data.licenseIds).toEqual([`${accountId}-lic-1`]);

    const again = await h.service.http('POST', `/reviews/${reviewId}/decision`, {
      decision: 'deny',
    });
    expect(again.status).toBe(409);
  });

  it('rejects with DOCUMENTS_REJECTED when ops deny a review', async () => {
    const accountId = `acc-${randomUUID()}`;
    await knowAccount(h, suspendedAccount(accountId, { holds: [complianceHold(accountId)] }));
    const order = paidOrder(accountId);
    await h.publisher.event(OrderPaid, order);
    const { reviewId } = (await decisionOf(h, order.orderId))
      .data as unknown as EligibilityReviewRequired;

    await h.service.http('POST', `/reviews/${reviewId}/documents/passport`, { status: 'REJECTED' });
    const denied = await h.service.http('POST', `/reviews/${reviewId}/decision`, {
      decision: 'deny',
    });
    expect(denied.status).toBe(200);
    const rejected = await h.recorder.waitForEvent<EligibilityRejected>(
      EligibilityRejected.type,
      (data) => data.orderId === order.orderId,
    );
    expect(rejected.data.reasons).toEqual(['DOCUMENTS_REJECTED']);
    const caseView = await h.service.http('GET', `/cases/${order.orderId}`);
    expect(caseView.body).toMatchObject({
      state: 'REJECTED',
      open: false,
      reasons: ['DOCUMENTS_REJECTED'],
    });
  });
});

describe('eligibility deadlines (real Kafka, real PostgreSQL)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      REVIEW_DEADLINE_SECONDS: '1',
      REVIEW_SWEEP_MS: '200',
      ACCOUNT_WAIT_SECONDS: '2',
      ACCOUNT_WAIT_SWEEP_MS: '200',
    });
  });
  afterAll(() => stopHarness(h));

  it('rejects with DOCUMENTS_EXPIRED once the deadline passes, exactly once', async () => {
    const accountId = `acc-${randomUUID()}`;
    await knowAccount(h, suspendedAccount(accountId, { holds: [complianceHold(accountId)] }));
    const order = paidOrder(accountId);
    await h.publisher.event(OrderPaid, order);
    const { reviewId } = (await decisionOf(h, order.orderId))
      .data as unknown as EligibilityReviewRequired;

    const rejected = await h.recorder.waitForEvent<EligibilityRejected>(
      EligibilityRejected.type,
      (data) => data.orderId === order.orderId,
    );
    expect(rejected.data.reasons).toEqual(['DOCUMENTS_EXPIRED']);
    expect(rejected.correlationid).toBe(order.orderId);

    const review = await h.service.http('GET', `/reviews/${reviewId}`);
    expect(review.body).toMatchObject({ state: 'EXPIRED' });
    const late = await h.service.http('POST', `/reviews/${reviewId}/decision`, {
      decision: 'deny',
    });
    expect(late.status).toBe(409);

    await quiesceServices([h.service], h.recorder);
    const decisions = h.recorder
      .events<EligibilityRejected>(EligibilityRejected.type)
      .filter((e) => e.data.orderId === order.orderId);
    expect(decisions).toHaveLength(1);
  });

  it('rejects an order whose account never came with ACCOUNT_NOT_FOUND, after the wait, exactly once', async () => {
    const accountId = `acc-${randomUUID()}`;
    const order = paidOrder(accountId);
    const sentAt = Date.now();
    await h.publisher.event(OrderPaid, order);

    const rejected = await h.recorder.waitForEvent<EligibilityRejected>(
      EligibilityRejected.type,
      (data) => data.orderId === order.orderId,
    );
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2000);
    expect(rejected.data.reasons).toEqual(['ACCOUNT_NOT_FOUND']);
    expect(rejected.correlationid).toBe(order.orderId);
    const caseView = await h.service.http('GET', `/cases/${order.orderId}`);
    expect(caseView.body).toMatchObject({
      state: 'REJECTED',
      open: false,
      reasons: ['ACCOUNT_NOT_FOUND'],
    });

    // The account turning up too late changes nothing: the order was decided.
    await knowAccount(h, suspendedAccount(accountId));
    await quiesceServices([h.service], h.recorder);
    const decisions = h.recorder.records.filter((r) => r.event?.data.orderId === order.orderId);
    expect(decisions.map((r) => r.event?.type)).toEqual([EligibilityRejected.type]);
  });
});
