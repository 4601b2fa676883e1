/**
 * Billing as a real process against the real broker and PostgreSQL: quotes and orders over HTTP,
 * signed upstream payments matched to their orders, compensation refunds and their settlement,
 * fulfilment with the receipt. Hostile signed payments (forged, stale, replayed, re-keyed,
 * re-timestamped, wrong producer) are the table of test/e2e/bad-payments.e2e-spec.ts.
 */
import {
  ConsumerGroups,
  deadLetterTopicOf,
  EligibilityRejected,
  EntitlementsRestored,
  OrderFulfilled,
  OrderPaid,
  OrderRefunded,
  PaymentCaptured,
  PaymentRejected,
  ReactivationFailed,
  RefundRequested,
  RefundSettled,
  Topics,
} from '@app/contracts';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  openCustomer,
  queryDatabase,
  ServiceProcess,
  startService,
  TEST_OPS_TOKEN,
  TEST_SUPPORT_TOKEN,
  TestPublisher,
  TopicRecorder,
  daysFromNow,
  quiesceServices,
} from '@app/testing';
import { randomUUID } from 'node:crypto';

const SECRET = 'billing-test-upstream-secret';
const CUSTOMER_TOKEN = 'test-customer-token';
const CUSTOMER_ACCOUNT = 'acc-customer';
const DEAD_LETTERS = deadLetterTopicOf(ConsumerGroups.Billing);

interface QuoteBody {
  id: string;
  accountId: string;
  lines: { code: string; quantity: number; amountMinor: number; taxMinor: number }[];
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  currency: string;
  taxInclusive: boolean;
  taxRateBps: number;
  expiresAt: string;
}

interface OrderBody {
  id: string;
  status: string;
  paymentDeadline: string;
  amount: { amountMinor: number; currency: string };
  payment: { paymentId: string } | null;
  refund: { refundId: string; status: string; reasons: string[] } | null;
  refunds: { refundId: string }[];
  payments: { paymentId: string; outcome: string; reasons: string[] }[];
  timeline: Record<string, string | null>;
}

describe('billing (real Kafka, real PostgreSQL)', () => {
  let service: ServiceProcess;
  let publisher: TestPublisher;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    const prefix = await createTestTopics();
    service = await startService('billing', {
      DATABASE_URL: await createTestDatabase('billing'),
      KAFKA_TOPIC_PREFIX: prefix,
      UPSTREAM_SIGNING_SECRET: SECRET,
      API_TOKENS: `${TEST_OPS_TOKEN}:ops,${TEST_SUPPORT_TOKEN}:support,${CUSTOMER_TOKEN}:customer:${CUSTOMER_ACCOUNT}`,
    });
    publisher = await TestPublisher.connect(prefix);
    recorder = await TopicRecorder.start(prefix, [
      Topics.ReactivationBilling,
      Topics.BillingRefunds,
      DEAD_LETTERS,
    ]);
  });

  afterAll(async () => {
    await recorder?.stop();
    await publisher?.disconnect();
    await service?.stop();
  });

  async function quote(accountId: string, body: Record<string, unknown> = {}): Promise<QuoteBody> {
    const response = await service.http<QuoteBody>('POST', '/quotes', {
      accountId,
      region: 'EU',
      licenseIds: [`${accountId}-lic-1`, `${accountId}-lic-2`],
      addOns: [],
      ...body,
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function order(quoteId: string, body: Record<string, unknown> = {}): Promise<OrderBody> {
    const response = await service.http<OrderBody>('POST', '/orders', {
      quoteId,
      customer: { name: 'Ada Customer', email: 'ada@example.com' },
      ...body,
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function pay(
    orderId: string,
    accountId: string,
    amountMinor: number,
    currency = 'EUR',
    paymentId: string = randomUUID(),
  ) {
    const data = {
      paymentId,
      orderId,
      accountId,
      amount: { amountMinor, currency },
      capturedAt: new Date().toISOString(),
    };
    return publisher.event(PaymentCaptured, data, { signingSecret: SECRET });
  }

  async function orderView(orderId: string): Promise<OrderBody> {
    const response = await service.http<OrderBody>(
      'GET',
      `/orders/${orderId}`,
      undefined,
      TEST_SUPPORT_TOKEN,
    );
    expect(response.status).toBe(200);
    return response.body;
  }

  /** What licensing says when it has restored an order's license. */
  const restoration = (orderId: string, accountId: string): EntitlementsRestored => ({
    orderId,
    accountId,
    licenses: [
      {
        licenseId: `${accountId}-lic-1`,
        contractId: 'ctr-1',
        product: 'Poly Lens',
        expiresAt: daysFromNow(500),
        entitlements: [{ code: 'VIDEO', name: 'Video meetings' }],
      },
    ],
    contracts: [{ contractId: 'ctr-1', termsFingerprint: 'a'.repeat(64) }],
    termsUnchanged: true,
    clearedHoldIds: [],
    restoredAt: new Date().toISOString(),
  });

  const eventsFor = (type: string, orderId: string) =>
    recorder.events<{ orderId: string }>(type).filter((e) => e.data.orderId === orderId);

  it("publishes every region's fee schedule to anyone, JPY without minor units", async () => {
    const response = await service.http<{
      schedules: { region: string; currency: string; currencyExponent: number }[];
    }>('GET', '/fees', undefined, null);
    expect(response.status).toBe(200);
    expect(response.body.schedules.map((s) => [s.region, s.currency, s.currencyExponent])).toEqual([
      ['EU', 'EUR', 2],
      ['JP', 'JPY', 0],
      ['UK', 'GBP', 2],
      ['US', 'USD', 2],
    ]);
  });

  it('quotes, takes an order, accepts the exact signed payment once, and fulfils with the receipt', async () => {
    const accountId = `acc-${randomUUID()}`;
    const q = await quote(accountId, { addOns: ['SCHEDULED_ACTIVATION'] });
    expect(q.lines.map((l) => [l.code, l.quantity, l.amountMinor, l.taxMinor])).toEqual([
      ['REACTIVATION_FEE', 1, 4900, 850],
      ['LICENSE_PROCESSING', 2, 1000, 174],
      ['SCHEDULED_ACTIVATION', 1, 1500, 260],
    ]);
    expect([q.subtotalMinor, q.taxMinor, q.totalMinor, q.currency, q.taxInclusive]).toEqual([
      6116,
      1284,
      7400,
      'EUR',
      true,
    ]);

    // The add-on was bought, so the change window is required.
    const missing = await service.http('POST', '/orders', {
      quoteId: q.id,
      customer: { name: 'Ada', email: 'ada@example.com' },
    });
    expect(missing).toEqual({
      status: 400,
      body: expect.objectContaining({ code: 'CHANGE_WINDOW_REQUIRED' }),
    });
    // Within the 90 days a change window may lie ahead.
    const startsAt = new Date(Date.now() + 10 * 86_400_000);
    const changeWindow = {
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 4 * 3600_000).toISOString(),
    };
    const o = await order(q.id, { changeWindow });
    expect(o).toMatchObject({
      status: 'AWAITING_PAYMENT',
      amount: { amountMinor: 7400, currency: 'EUR' },
    });
    const again = await service.http('POST', '/orders', {
      quoteId: q.id,
      customer: { name: 'Ada', email: 'ada@example.com' },
      changeWindow,
    });
    expect(again).toEqual({
      status: 409,
      body: expect.objectContaining({ code: 'ORDER_EXISTS_FOR_QUOTE' }),
    });

    const payment = await pay(o.id, accountId, 7400);
    const paid = await recorder.waitForEvent<OrderPaid>(OrderPaid.type, (d) => d.orderId === o.id);
    expect(paid.subject).toBe(accountId);
    expect(paid.correlationid).toBe(o.id);
    expect(paid.causationid).toBe(payment.id);
    expect(paid.data).toEqual({
      orderId: o.id,
      accountId,
      paymentId: payment.data.paymentId,
      region: 'EU',
      licenseIds: [`${accountId}-lic-1`, `${accountId}-lic-2`],
      amount: { amountMinor: 7400, currency: 'EUR' },
      addOns: ['SCHEDULED_ACTIVATION'],
      changeWindow,
      customer: { sealed: expect.any(String) },
      paidAt: expect.any(String),
      // What was bought, line by line (the customer's status page shows it from the start).
      receipt: expect.objectContaining({
        lines: q.lines.map(({ code, quantity, amountMinor, taxMinor }) =>
          expect.objectContaining({ code, quantity, amountMinor, taxMinor }),
        ),
        totalMinor: 7400,
        currency: 'EUR',
      }),
    });
    // The customer is sealed for notifications: no other consumer group (nor a dead-letter copy)
    // can read who they are.
    expect(openCustomer(paid.data.customer)).toEqual({
      name: 'Ada Customer',
      email: 'ada@example.com',
    });
    const paidRecord = recorder.records.find((r) => r.event?.id === paid.id)!;
    expect(paidRecord.value?.toString()).not.toMatch(/Ada Customer|ada@example\.com/);

    // The same payment re-sent under a new event id changes nothing.
    await pay(o.id, accountId, 7400, 'EUR', payment.data.paymentId);

    await publisher.event(EntitlementsRestored, restoration(o.id, accountId));
    const fulfilled = await recorder.waitForEvent<OrderFulfilled>(
      OrderFulfilled.type,
      (d) => d.orderId === o.id,
    );
    expect(fulfilled.data.receipt).toEqual({
      lines: q.lines.map((l) =>
        expect.objectContaining({ code: l.code, amountMinor: l.amountMinor, taxMinor: l.taxMinor }),
      ),
      subtotalMinor: 6116,
      taxMinor: 1284,
      totalMinor: 7400,
      currency: 'EUR',
      taxInclusive: true,
      taxRateBps: 2100,
    });

    // A second, distinct payment is refunded on its own; the fulfilled order is untouched.
    const second = await pay(o.id, accountId, 7400);
    const duplicate = await recorder.waitForEvent<PaymentRejected>(
      PaymentRejected.type,
      (d) => d.paymentId === second.data.paymentId,
    );
    expect(duplicate.data.reasons).toEqual(['DUPLICATE_PAYMENT']);
    // The order's own OrderPaid already named its customer.
    expect(duplicate.data.customer).toBeUndefined();
    const refund = await recorder.waitForEvent<RefundRequested>(
      RefundRequested.type,
      (d) => d.paymentId === second.data.paymentId,
    );
    expect(refund.data.amount).toEqual({ amountMinor: 7400, currency: 'EUR' });

    await quiesceServices([service], recorder);
    expect(eventsFor(OrderPaid.type, o.id)).toHaveLength(1);
    expect(eventsFor(RefundRequested.type, o.id)).toHaveLength(1);
    const view = await orderView(o.id);
    expect(view.status).toBe('FULFILLED');
    expect(view.payment?.paymentId).toBe(payment.data.paymentId);
    expect(view.payments.map((p) => [p.outcome, p.reasons])).toEqual([
      ['ACCEPTED', []],
      ['REJECTED', ['DUPLICATE_PAYMENT']],
    ]);
  });

  it('fulfils orders restored together once each, however often a restoration is told', async () => {
    // One account, so every event of the test is on one partition and arrives in one batch.
    const accountId = `acc-${randomUUID()}`;
    const orders: OrderBody[] = [];
    for (let i = 0; i < 3; i++) {
      const q = await quote(accountId);
      const o = await order(q.id);
      await pay(o.id, accountId, q.totalMinor);
      orders.push(o);
    }
    for (const o of orders) {
      await recorder.waitForEvent<OrderPaid>(OrderPaid.type, (d) => d.orderId === o.id);
    }
    const [first, second, third] = orders;
    await publisher.events(EntitlementsRestored, [
      restoration(first.id, accountId),
      restoration(second.id, accountId),
      restoration(first.id, accountId), // told again under a new event id
      restoration(third.id, accountId),
    ]);

    for (const o of orders) {
      await recorder.waitForEvent<OrderFulfilled>(OrderFulfilled.type, (d) => d.orderId === o.id);
    }
    await quiesceServices([service], recorder);
    for (const o of orders) {
      expect(eventsFor(OrderFulfilled.type, o.id)).toHaveLength(1);
      expect((await orderView(o.id)).status).toBe('FULFILLED');
    }
  });

  it('rejects and refunds an under-payment, and the order ends refunded once upstream settles', async () => {
    const accountId = `acc-${randomUUID()}`;
    const q = await quote(accountId, { region: 'JP', licenseIds: [`${accountId}-lic-1`] });
    expect([q.currency, q.totalMinor]).toEqual(['JPY', 7500 + 800 + 750 + 80]);
    const o = await order(q.id);

    const payment = await pay(o.id, accountId, q.totalMinor - 1, 'JPY');
    const rejected = await recorder.waitForEvent<PaymentRejected>(
      PaymentRejected.type,
      (d) => d.orderId === o.id,
    );
    expect(rejected.data).toEqual({
      orderId: o.id,
      accountId,
      paymentId: payment.data.paymentId,
      amount: { amountMinor: q.totalMinor - 1, currency: 'JPY' },
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
      // The order is closed unpaid: no OrderPaid will name its customer, so the rejection does
      // (sealed for notifications).
      customer: { sealed: expect.any(String) },
      region: 'JP',
    });
    expect(openCustomer(rejected.data.customer!)).toEqual({
      name: 'Ada Customer',
      email: 'ada@example.com',
    });
    const refund = await recorder.waitForEvent<RefundRequested>(
      RefundRequested.type,
      (d) => d.orderId === o.id,
    );
    expect(refund.data).toEqual({
      refundId: `rf-${payment.data.paymentId}`,
      orderId: o.id,
      accountId,
      paymentId: payment.data.paymentId,
      amount: { amountMinor: q.totalMinor - 1, currency: 'JPY' },
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
      idempotencyKey: `rf-${payment.data.paymentId}`,
    });
    expect((await orderView(o.id)).status).toBe('REFUND_PENDING');

    await publisher.event(
      RefundSettled,
      {
        refundId: refund.data.refundId,
        orderId: o.id,
        accountId,
        amount: refund.data.amount,
        settledAt: new Date().toISOString(),
      },
      { signingSecret: SECRET },
    );
    const refunded = await recorder.waitForEvent<OrderRefunded>(
      OrderRefunded.type,
      (d) => d.orderId === o.id,
    );
    expect(refunded.data).toMatchObject({
      refundId: refund.data.refundId,
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
    });
    await eventually(async () => expect((await orderView(o.id)).status).toBe('REFUNDED'));
    expect(eventsFor(OrderPaid.type, o.id)).toHaveLength(0);
  });

  it('refunds a paid order in full when eligibility rejects it, once however often it is told', async () => {
    const accountId = `acc-${randomUUID()}`;
    const q = await quote(accountId, { region: 'US', licenseIds: [`${accountId}-lic-1`] });
    const o = await order(q.id);
    const payment = await pay(o.id, accountId, q.totalMinor, 'USD');
    await recorder.waitForEvent<OrderPaid>(OrderPaid.type, (d) => d.orderId === o.id);

    const rejection = {
      orderId: o.id,
      accountId,
      reasons: ['OUTSTANDING_BALANCE' as const],
      rejectedAt: new Date().toISOString(),
    };
    await publisher.event(EligibilityRejected, rejection);
    await publisher.event(EligibilityRejected, rejection); // redelivered under another event id
    const refund = await recorder.waitForEvent<RefundRequested>(
      RefundRequested.type,
      (d) => d.orderId === o.id,
    );
    expect(refund.data).toMatchObject({
      paymentId: payment.data.paymentId,
      amount: { amountMinor: q.totalMinor, currency: 'USD' },
      reasons: ['OUTSTANDING_BALANCE'],
    });

    const settled = {
      refundId: refund.data.refundId,
      orderId: o.id,
      accountId,
      amount: refund.data.amount,
      settledAt: new Date().toISOString(),
    };
    const settlement = await publisher.event(RefundSettled, settled, { signingSecret: SECRET });
    await publisher.again(Topics.BillingPayments, settlement, SECRET);
    await recorder.waitForEvent<OrderRefunded>(OrderRefunded.type, (d) => d.orderId === o.id);
    await quiesceServices([service], recorder);
    expect(eventsFor(RefundRequested.type, o.id)).toHaveLength(1);
    expect(eventsFor(OrderRefunded.type, o.id)).toHaveLength(1);
    const view = await orderView(o.id);
    expect(view.status).toBe('REFUNDED');
    expect(view.refund).toMatchObject({
      refundId: refund.data.refundId,
      status: 'SETTLED',
      reasons: ['OUTSTANDING_BALANCE'],
    });
  });

  it("refunds a payment naming another account's order without touching that order's saga", async () => {
    const victim = `acc-${randomUUID()}`;
    const victimOrder = await order((await quote(victim)).id);
    const payer = `acc-${randomUUID()}`;
    const payerQuote = await quote(payer);
    const payerOrder = await order(payerQuote.id);

    const foreign = await pay(victimOrder.id, payer, payerQuote.totalMinor);
    const refund = await recorder.waitForEvent<RefundRequested>(
      RefundRequested.type,
      (d) => d.paymentId === foreign.data.paymentId,
    );
    expect(refund.data).toMatchObject({
      accountId: payer,
      amount: { amountMinor: payerQuote.totalMinor, currency: 'EUR' },
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
    });
    // Barrier: the payer's own payment, behind the foreign one on the same key, pays its order;
    // its OrderPaid comes after anything billing published for the foreign one on that key.
    await pay(payerOrder.id, payer, payerQuote.totalMinor);
    await recorder.waitForEvent<OrderPaid>(OrderPaid.type, (d) => d.orderId === payerOrder.id);

    expect(eventsFor(PaymentRejected.type, victimOrder.id)).toHaveLength(0);
    const victimView = await orderView(victimOrder.id);
    expect(victimView.status).toBe('AWAITING_PAYMENT');
    expect(victimView.payments).toEqual([]);
    expect(victimView.refunds).toEqual([]);
  });

  it('answers bad requests with a reason and keeps customers to their own account', async () => {
    const badRegion = await service.http('POST', '/quotes', {
      accountId: 'acc-x',
      region: 'BR',
      licenseIds: ['l1'],
    });
    expect(badRegion).toEqual({
      status: 400,
      body: expect.objectContaining({ code: 'REGION_UNSUPPORTED' }),
    });
    const repeated = await service.http('POST', '/quotes', {
      accountId: 'acc-x',
      region: 'EU',
      licenseIds: ['l1', 'l1'],
    });
    expect(repeated.status).toBe(400);
    expect(JSON.stringify(repeated.body)).toContain('licenseIds must not repeat a license');

    const other = await service.http(
      'POST',
      '/quotes',
      { accountId: 'acc-other', region: 'EU', licenseIds: ['l1'] },
      CUSTOMER_TOKEN,
    );
    expect(other.status).toBe(403);
    const own = await service.http<QuoteBody>(
      'POST',
      '/quotes',
      { accountId: CUSTOMER_ACCOUNT, region: 'UK', licenseIds: ['l1'] },
      CUSTOMER_TOKEN,
    );
    expect(own.status).toBe(201);

    const othersQuote = await quote('acc-someone-else');
    const hidden = await service.http(
      'POST',
      '/orders',
      { quoteId: othersQuote.id, customer: { name: 'Eve', email: 'eve@example.com' } },
      CUSTOMER_TOKEN,
    );
    expect(hidden).toEqual({
      status: 404,
      body: expect.objectContaining({ code: 'QUOTE_NOT_FOUND' }),
    });
    const othersOrder = await order(othersQuote.id);
    // Another account's order answers exactly as an order that does not exist (no existence oracle).
    const foreign = await service.http<object>(
      'GET',
      `/orders/${othersOrder.id}`,
      undefined,
      CUSTOMER_TOKEN,
    );
    const unknown = await service.http<object>(
      'GET',
      `/orders/${othersOrder.id}x`,
      undefined,
      CUSTOMER_TOKEN,
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({
      statusCode: 404,
      code: 'ORDER_NOT_FOUND',
      message: `order ${othersOrder.id} does not exist`,
    });
    expect(unknown.body).toEqual({
      ...foreign.body,
      message: `order ${othersOrder.id}x does not exist`,
    });
    expect((await service.http('GET', `/orders/${othersOrder.id}`, undefined, null)).status).toBe(
      401,
    );
  });

  it('refunds a paid order when licensing fails to reactivate it', async () => {
    const accountId = `acc-${randomUUID()}`;
    const q = await quote(accountId, { region: 'UK' });
    const o = await order(q.id);
    await pay(o.id, accountId, q.totalMinor, 'GBP');
    await recorder.waitForEvent<OrderPaid>(OrderPaid.type, (d) => d.orderId === o.id);

    await publisher.event(ReactivationFailed, {
      orderId: o.id,
      accountId,
      reasons: ['LICENSE_REVOKED'],
      resuspendedLicenseIds: [`${accountId}-lic-1`],
      failedAt: new Date().toISOString(),
    });
    const refund = await recorder.waitForEvent<RefundRequested>(
      RefundRequested.type,
      (d) => d.orderId === o.id,
    );
    expect(refund.data).toMatchObject({
      amount: { amountMinor: q.totalMinor, currency: 'GBP' },
      reasons: ['LICENSE_REVOKED'],
    });
    expect((await orderView(o.id)).status).toBe('REFUND_PENDING');
  });
});

describe('billing payment deadline (real Kafka, real PostgreSQL)', () => {
  let service: ServiceProcess;
  let publisher: TestPublisher;
  let recorder: TopicRecorder;
  let databaseUrl: string;

  beforeAll(async () => {
    const prefix = await createTestTopics();
    databaseUrl = await createTestDatabase('billing');
    service = await startService('billing', {
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      UPSTREAM_SIGNING_SECRET: SECRET,
      PAYMENT_DEADLINE_SECONDS: '10',
      ORDER_EXPIRY_SWEEP_MS: '1000',
    });
    publisher = await TestPublisher.connect(prefix);
    recorder = await TopicRecorder.start(prefix, [
      Topics.ReactivationBilling,
      Topics.BillingRefunds,
    ]);
  });

  afterAll(async () => {
    await recorder?.stop();
    await publisher?.disconnect();
    await service?.stop();
  });

  it('expires an unpaid order at its deadline, then refunds a late payment as QUOTE_EXPIRED', async () => {
    const accountId = `acc-${randomUUID()}`;
    const q = await service.http<QuoteBody>('POST', '/quotes', {
      accountId,
      region: 'EU',
      licenseIds: ['lic-1'],
    });
    const o = await service.http<OrderBody>('POST', '/orders', {
      quoteId: q.body.id,
      customer: { name: 'Ada Customer', email: 'ada@example.com' },
    });
    expect(o.status).toBe(201);

    const view = () => service.http<OrderBody>('GET', `/orders/${o.body.id}`).then((r) => r.body);
    await eventually(async () => expect((await view()).status).toBe('EXPIRED'), 20_000).catch(
      async (error: unknown) => {
        // Seen once in CI (the order still AWAITING_PAYMENT after 20 s, nothing in the log at
        // warn): say what the sweep had to go on, for the next time.
        const [row] = await queryDatabase(
          databaseUrl,
          `SELECT status, payment_deadline, now() AS database_now FROM orders WHERE id = $1`,
          [o.body.id],
        );
        throw new Error(
          `${String(error)}\norder: ${JSON.stringify(row)}, test clock ${new Date().toISOString()}\n` +
            `service log:\n${service.log().split('\n').slice(-40).join('\n')}`,
        );
      },
    );
    expect((await view()).timeline.expiredAt).toEqual(expect.any(String));

    const late = await publisher.event(
      PaymentCaptured,
      {
        paymentId: randomUUID(),
        orderId: o.body.id,
        accountId,
        amount: { amountMinor: q.body.totalMinor, currency: 'EUR' },
        capturedAt: new Date().toISOString(),
      },
      { signingSecret: SECRET },
    );
    const rejected = await recorder.waitForEvent<PaymentRejected>(
      PaymentRejected.type,
      (d) => d.orderId === o.body.id,
    );
    expect(rejected.data.reasons).toEqual(['QUOTE_EXPIRED']);
    expect(openCustomer(rejected.data.customer!)).toEqual({
      name: 'Ada Customer',
      email: 'ada@example.com',
    });
    expect(rejected.data.region).toBe('EU');
    const refund = await recorder.waitForEvent<RefundRequested>(
      RefundRequested.type,
      (d) => d.orderId === o.body.id,
    );
    expect(refund.data).toMatchObject({
      paymentId: late.data.paymentId,
      amount: { amountMinor: q.body.totalMinor, currency: 'EUR' },
      reasons: ['QUOTE_EXPIRED'],
    });
    expect((await view()).status).toBe('REFUND_PENDING');
    expect(recorder.events(OrderPaid.type)).toHaveLength(0);
  });
  it('pays an order with a payment that arrived on time although billing processes it after the deadline', async () => {
    const accountId = `acc-${randomUUID()}`;
    const q = await service.http<QuoteBody>('POST', '/quotes', {
      accountId,
      region: 'EU',
      licenseIds: ['lic-1'],
    });
    const o = await service.http<OrderBody>('POST', '/orders', {
      quoteId: q.body.id,
      customer: { name: 'Ada Customer', email: 'ada@example.com' },
    });
    expect(o.status).toBe(201);
    const deadline = new Date(o.body.paymentDeadline).getTime();

    // Billing is down while upstream captures the payment, on time.
    const env = service.env;
    await service.stop();
    const payment = await publisher.event(
      PaymentCaptured,
      {
        paymentId: randomUUID(),
        orderId: o.body.id,
        accountId,
        amount: { amountMinor: q.body.totalMinor, currency: 'EUR' },
        capturedAt: new Date().toISOString(),
      },
      { signingSecret: SECRET },
    );
    expect(Date.now()).toBeLessThan(deadline); // else this run proves nothing

    // Billing comes back once the deadline has passed (its sweep may expire the order first).
    await new Promise((resolve) => setTimeout(resolve, deadline - Date.now() + 1000));
    service = await startService('billing', {
      ...env,
      DATABASE_URL: env.DATABASE_URL,
      KAFKA_TOPIC_PREFIX: env.KAFKA_TOPIC_PREFIX,
    });

    const paid = await recorder.waitForEvent<OrderPaid>(
      OrderPaid.type,
      (d) => d.orderId === o.body.id,
    );
    expect(paid.data.paymentId).toBe(payment.data.paymentId);
    const view = await service.http<OrderBody>('GET', `/orders/${o.body.id}`);
    expect(view.body.status).toBe('PAID');
    expect(view.body.refund).toBeNull();
    expect(recorder.events<{ orderId: string }>(PaymentRejected.type)).not.toContainEqual(
      expect.objectContaining({ data: expect.objectContaining({ orderId: o.body.id }) }),
    );
  });
});
