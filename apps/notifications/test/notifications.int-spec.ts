/**
 * Notifications as a real process against the real broker and PostgreSQL, sending through a real
 * SMTP server run by this test: one email per stage per order whatever the redeliveries, the
 * support contact, the timeline and its status page, renewal reminders and stalled sagas.
 */
import {
  ActivationScheduled,
  EligibilityRejected,
  EligibilityReviewRequired,
  EntitlementsRestored,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
  Topics,
} from '@app/contracts';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  openCustomer,
  queryDatabase,
  ReceivedMail,
  sealedCustomer,
  ServiceProcess,
  startService,
  TEST_OPS_TOKEN,
  TEST_SUPPORT_TOKEN,
  TestMailbox,
  TestPublisher,
  TopicRecorder,
  daysFromNow,
  quiesceServices,
} from '@app/testing';
import { randomUUID } from 'node:crypto';
import { statusPageToken } from '../src/timeline/status-page.token';

const STATUS_SECRET = 'notifications-test-status-secret';
const OPS_EMAIL = 'ops-desk@poly.example';
const CUSTOMER_TOKEN = 'test-customer-token';
const CUSTOMER_ACCOUNT = 'acc-eu-1';

interface TimelineBody {
  orderId: string;
  accountId: string;
  status: string;
  supportContact: { contactId: string; name: string; email: string } | null;
  stages: { stage: string; at: string; details: Record<string, unknown> }[];
  emails: { stage: string; subject: string | null; status: string }[];
}

function orderPaid(overrides: Partial<OrderPaid> = {}): OrderPaid {
  return {
    orderId: randomUUID(),
    accountId: CUSTOMER_ACCOUNT,
    paymentId: randomUUID(),
    region: 'EU',
    licenseIds: ['lic-studio', 'lic-lens'],
    amount: { amountMinor: 14_880, currency: 'EUR' },
    addOns: [],
    customer: sealedCustomer({
      name: 'Jane Doe',
      email: `jane+${randomUUID().slice(0, 8)}@customer.example`,
    }),
    paidAt: new Date().toISOString(),
    ...overrides,
  };
}

const STUDIO_EXPIRY = daysFromNow(210);
const LENS_EXPIRY = daysFromNow(390);

function entitlementsRestored(
  paid: OrderPaid,
  expiresAt = [STUDIO_EXPIRY, LENS_EXPIRY],
): EntitlementsRestored {
  return {
    orderId: paid.orderId,
    accountId: paid.accountId,
    licenses: [
      {
        licenseId: paid.licenseIds[0],
        contractId: 'ctr-1',
        product: 'Poly Studio X50',
        expiresAt: expiresAt[0],
        entitlements: [
          { code: 'VIDEO_4K', name: '4K video conferencing' },
          { code: 'CLOUD_REC', name: 'Cloud recording' },
        ],
      },
      {
        licenseId: paid.licenseIds[1],
        contractId: 'ctr-1',
        product: 'Poly Lens',
        expiresAt: expiresAt[1],
        entitlements: [{ code: 'FLEET_ANALYTICS', name: 'Fleet analytics' }],
      },
    ],
    contracts: [{ contractId: 'ctr-1', termsFingerprint: 'a'.repeat(64) }],
    termsUnchanged: true,
    clearedHoldIds: ['hold-1'],
    restoredAt: new Date().toISOString(),
  };
}

describe('notifications (real Kafka, real PostgreSQL, real SMTP)', () => {
  let service: ServiceProcess;
  let publisher: TestPublisher;
  let recorder: TopicRecorder;
  let smtp: TestMailbox;
  let databaseUrl: string;

  const mailsTo = (address: string): ReceivedMail[] => smtp.to(address);

  beforeAll(async () => {
    smtp = await TestMailbox.start();
    const prefix = await createTestTopics();
    databaseUrl = await createTestDatabase('notifications');
    service = await startService('notifications', {
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      SMTP_URL: smtp.url,
      OPS_EMAIL,
      STATUS_PAGE_SECRET: STATUS_SECRET,
      STATUS_PAGE_BASE_URL: 'http://status.test',
      STALL_AFTER_PAID: '4',
      STALL_SWEEP_MS: '500',
      EMAIL_SWEEP_MS: '300',
      EMAIL_RETRY_BASE_MS: '200',
      // Short, so an email whose sent status could not be committed is sent again within the test.
      EMAIL_CLAIM_TIMEOUT_MS: '2000',
      API_TOKENS: `${TEST_OPS_TOKEN}:ops,${TEST_SUPPORT_TOKEN}:support,${CUSTOMER_TOKEN}:customer:${CUSTOMER_ACCOUNT}`,
    });
    publisher = await TestPublisher.connect(prefix);
    recorder = await TopicRecorder.start(prefix, [Topics.ReactivationNotifications]);
  });

  afterAll(async () => {
    await recorder?.stop();
    await publisher?.disconnect();
    await service?.stop();
    await smtp?.stop();
  });

  it('assigns a contact, sends exactly one email per stage and shows the timeline', async () => {
    const paid = orderPaid();
    const restored = entitlementsRestored(paid);
    const paidEvent = await publisher.event(OrderPaid, paid);
    const assigned = await recorder.waitForEvent<{
      orderId: string;
      contact: { name: string; email: string; contactId: string };
    }>('SupportContactAssigned', (d) => d.orderId === paid.orderId);
    // Restoration follows the payment, as in the saga (the two come on different topics, and the
    // stage duration below is measured from the payment).
    const restoredEvent = await publisher.event(EntitlementsRestored, restored);
    expect(assigned.data.contact.email).toMatch(/@support\.poly\.example$/);
    expect(assigned.data.contact.contactId).toMatch(/^eu-/);

    const customer = openCustomer(paid.customer).email;
    await eventually(async () => expect(mailsTo(customer)).toHaveLength(2));
    const [first, second] = [...mailsTo(customer)].sort((a, b) =>
      a.subject.includes('Payment') ? -1 : b.subject.includes('Payment') ? 1 : 0,
    );
    expect(first.subject).toContain('Payment received');
    expect(first.text).toContain('EUR 148.80');
    // Both parts and the stable Message-ID (the same on a resend) reach the recipient.
    expect(first.html).toContain('EUR 148.80');
    expect(first.messageId).toMatch(/^<[0-9a-f-]{36}@notifications\.poly\.example>$/);
    expect(second.subject).toContain('reactivated');
    for (const part of [
      'Poly Studio X50',
      'lic-studio',
      STUDIO_EXPIRY.slice(0, 10),
      '4K video conferencing',
      'Cloud recording',
      'Poly Lens',
      'lic-lens',
      LENS_EXPIRY.slice(0, 10),
      'Fleet analytics',
    ]) {
      expect(second.text).toContain(part);
    }
    expect(second.text).toContain('contract terms are unchanged');
    for (const mail of [first, second]) {
      expect(mail.text).toContain(assigned.data.contact.name);
      expect(mail.text).toContain(
        `http://status.test/reactivations/${paid.orderId}/status.html?t=`,
      );
    }

    const notified = await eventually(async () => {
      const events = recorder
        .events<{ orderId: string; stage: string; channel: string }>('CustomerNotified')
        .filter((e) => e.data.orderId === paid.orderId);
      expect(events.map((e) => e.data.stage).sort()).toEqual(['EntitlementsRestored', 'OrderPaid']);
      return events;
    });
    expect(notified.every((e) => e.data.channel === 'email')).toBe(true);

    // Redelivered as is, and the same stages again under new event ids: nothing more is sent.
    await publisher.again(OrderPaid.topic, paidEvent);
    await publisher.again(EntitlementsRestored.topic, restoredEvent);
    await publisher.event(OrderPaid, { ...paid, paymentId: randomUUID() });
    await publisher.event(EntitlementsRestored, {
      ...restored,
      restoredAt: new Date().toISOString(),
    });
    const marker = orderPaid({ region: 'UK' });
    await publisher.event(OrderPaid, marker);
    await eventually(async () =>
      expect(mailsTo(openCustomer(marker.customer).email)).toHaveLength(1),
    );
    await quiesceServices([service], recorder);
    expect(mailsTo(customer)).toHaveLength(2);
    expect(
      recorder
        .events<{ orderId: string }>('SupportContactAssigned')
        .filter((e) => e.data.orderId === paid.orderId),
    ).toHaveLength(1);
    expect(
      recorder
        .events<{ orderId: string }>('CustomerNotified')
        .filter((e) => e.data.orderId === paid.orderId),
    ).toHaveLength(2);

    const timeline = await service.http<TimelineBody>(
      'GET',
      `/reactivations/${paid.orderId}`,
      undefined,
      TEST_SUPPORT_TOKEN,
    );
    expect(timeline.status).toBe(200);
    expect(timeline.body.status).toBe('RESTORED');
    expect(timeline.body.supportContact?.name).toBe(assigned.data.contact.name);
    const stages = timeline.body.stages.map((s) => s.stage);
    expect(stages.filter((s) => s === 'OrderPaid')).toHaveLength(2);
    expect(stages).toEqual(
      expect.arrayContaining([
        'OrderPaid',
        'EntitlementsRestored',
        'SupportContactAssigned',
        'CustomerNotified',
      ]),
    );
    expect(timeline.body.emails.map((e) => [e.stage, e.status]).sort()).toEqual([
      ['EntitlementsRestored', 'SENT'],
      ['OrderPaid', 'SENT'],
    ]);
    // Its own events are in the timeline once each, as published: same event time.
    const ownStages = timeline.body.stages
      .filter((s) => s.stage === 'SupportContactAssigned' || s.stage === 'CustomerNotified')
      .map((s) => `${s.stage} ${s.at}`)
      .sort();
    expect(ownStages).toEqual(
      [assigned, ...notified].map((e) => `${e.type} ${new Date(e.time).toISOString()}`).sort(),
    );
    expect(JSON.stringify(timeline.body)).not.toContain(customer);

    // The customer sees their own order, not another account's; the status page opens by its link only.
    expect(
      (await service.http('GET', `/reactivations/${paid.orderId}`, undefined, CUSTOMER_TOKEN))
        .status,
    ).toBe(200);
    const other = orderPaid({ accountId: 'acc-other' });
    await publisher.event(OrderPaid, other);
    await eventually(async () =>
      expect((await service.http('GET', `/reactivations/${other.orderId}`)).status).toBe(200),
    );
    // Another account's order answers exactly as an order that does not exist (no existence oracle).
    const foreign = await service.http<object>(
      'GET',
      `/reactivations/${other.orderId}`,
      undefined,
      CUSTOMER_TOKEN,
    );
    expect(foreign).toEqual({
      status: 404,
      body: {
        statusCode: 404,
        code: 'REACTIVATION_NOT_FOUND',
        message: `no reactivation for order ${other.orderId}`,
      },
    });
    const unknown = await service.http(
      'GET',
      '/reactivations/no-such-order',
      undefined,
      CUSTOMER_TOKEN,
    );
    expect(unknown.body).toEqual({
      ...foreign.body,
      message: 'no reactivation for order no-such-order',
    });
    expect(
      (await service.http('GET', `/reactivations/${paid.orderId}`, undefined, null)).status,
    ).toBe(401);

    const link = /http:\/\/status\.test(\/reactivations\/[^\s]+)/.exec(second.text)![1];
    const page = await fetch(service.url + link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Services restored');
    expect(html).toContain(assigned.data.contact.name);
    expect(
      (await fetch(`${service.url}/reactivations/${paid.orderId}/status.html?t=forged`)).status,
    ).toBe(404);
    expect((await fetch(`${service.url}/reactivations/${paid.orderId}/status.html`)).status).toBe(
      404,
    );
    // A link past its expiry, even genuinely signed, no longer opens the page.
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    const expired = statusPageToken(paid.orderId, STATUS_SECRET, {
      issuedAt: longAgo,
      expiresAt: new Date(longAgo.getTime() + 30 * 86_400_000),
    });
    expect(
      (await fetch(`${service.url}/reactivations/${paid.orderId}/status.html?t=${expired}`)).status,
    ).toBe(404);
    // Support revokes the links sent so far: the emailed link stops working; a customer may not.
    expect(
      (
        await service.http(
          'POST',
          `/reactivations/${paid.orderId}/status-page/revocation`,
          undefined,
          CUSTOMER_TOKEN,
        )
      ).status,
    ).toBe(403);
    const revoked = await service.http(
      'POST',
      `/reactivations/${paid.orderId}/status-page/revocation`,
      undefined,
      TEST_SUPPORT_TOKEN,
    );
    expect(revoked.status).toBe(200);
    expect((await fetch(service.url + link)).status).toBe(404);
    // Metrics need credentials: none is 401, a customer's is 403, the ops token reads them.
    expect((await service.http('GET', '/metrics', undefined, null)).status).toBe(401);
    expect((await service.http('GET', '/metrics', undefined, CUSTOMER_TOKEN)).status).toBe(403);
    const metrics = await service.http<string>('GET', '/metrics');
    expect(metrics.body).toMatch(
      /saga_stage_duration_seconds_count\{stage="EntitlementsRestored"\} [1-9]/,
    );
    expect(metrics.body).toMatch(
      /notifications_emails_total\{stage="OrderPaid",outcome="sent"\} [1-9]/,
    );
  });

  it('explains a rejection with the refund in the currency of the order, then confirms the refund', async () => {
    const paid = orderPaid({
      region: 'JP',
      accountId: 'acc-jp-1',
      amount: { amountMinor: 12_000, currency: 'JPY' },
    });
    await publisher.event(OrderPaid, paid);
    await publisher.event(EligibilityRejected, {
      orderId: paid.orderId,
      accountId: paid.accountId,
      reasons: ['OUTSTANDING_BALANCE', 'LICENSE_NOT_OWNED'],
      rejectedAt: new Date().toISOString(),
    });
    await eventually(async () =>
      expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(2),
    );
    const rejection = mailsTo(openCustomer(paid.customer).email).find((m) =>
      m.subject.includes('could not reactivate'),
    )!;
    expect(rejection.text).toContain('outstanding balance');
    expect(rejection.text).toContain('does not belong to your account');
    expect(rejection.text).toContain('A full refund of JPY 12,000, tax included');
    expect(rejection.text).toMatch(/(Haruto Sato|Yui Tanaka)/);

    await publisher.event(OrderRefunded, {
      orderId: paid.orderId,
      accountId: paid.accountId,
      refundId: randomUUID(),
      amount: { amountMinor: 12_000, currency: 'JPY' },
      reasons: ['OUTSTANDING_BALANCE', 'LICENSE_NOT_OWNED'],
      refundedAt: new Date().toISOString(),
    });
    await eventually(async () =>
      expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(3),
    );
    expect(
      mailsTo(openCustomer(paid.customer).email).some((m) =>
        m.text.includes('We refunded JPY 12,000'),
      ),
    ).toBe(true);
    await eventually(async () => {
      const timeline = await service.http<TimelineBody>('GET', `/reactivations/${paid.orderId}`);
      expect(timeline.body.status).toBe('REFUNDED');
    });
  });

  it('retries an email the SMTP server turns away for a while, and sends it once', async () => {
    const paid = orderPaid({ region: 'EU', accountId: 'acc-eu-retry' });
    smtp.failures.set(openCustomer(paid.customer).email, 2);
    await publisher.event(OrderPaid, paid);
    await eventually(async () =>
      expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(1),
    );
    // The SMTP server has the mail before the service records it as sent.
    await eventually(async () => {
      const [row] = await queryDatabase<{ status: string; attempts: number }>(
        databaseUrl,
        `SELECT status, attempts FROM notifications WHERE order_id = $1`,
        [paid.orderId],
      );
      expect(row).toEqual({ status: 'SENT', attempts: 3 });
    });
    await recorder.waitForEvent<{ orderId: string }>(
      'CustomerNotified',
      (d) => d.orderId === paid.orderId,
    );
    await quiesceServices([service], recorder);
    expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(1);
    const timeline = await service.http<TimelineBody>('GET', `/reactivations/${paid.orderId}`);
    expect(timeline.body.stages.filter((s) => s.stage === 'CustomerNotified')).toHaveLength(1);
  });

  it('records a rejected payment of an order never paid without emailing anyone', async () => {
    const orderId = randomUUID();
    const before = smtp.mails.length;
    await publisher.event(PaymentRejected, {
      orderId,
      accountId: 'acc-unknown',
      paymentId: randomUUID(),
      amount: { amountMinor: 100, currency: 'EUR' },
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
    });
    const timeline = await eventually(async () => {
      const response = await service.http<TimelineBody>('GET', `/reactivations/${orderId}`);
      expect(response.status).toBe(200);
      return response.body;
    });
    expect(timeline.status).toBe('REFUND_PENDING');
    expect(timeline.supportContact).toBeNull();
    await quiesceServices([service], recorder);
    expect(smtp.mails.slice(before).filter((m) => m.text.includes(orderId))).toHaveLength(0);
  });

  it('tells the customer of an order closed by a rejected payment, with a named contact, once', async () => {
    const customer = {
      name: 'Sam Rivera',
      email: `sam+${randomUUID().slice(0, 8)}@customer.example`,
    };
    const rejected: PaymentRejected = {
      orderId: randomUUID(),
      accountId: 'acc-us-rejected',
      paymentId: randomUUID(),
      amount: { amountMinor: 9_900, currency: 'USD' },
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
      customer: sealedCustomer(customer),
      region: 'US',
    };
    const rejectedEvent = await publisher.event(PaymentRejected, rejected);
    const assigned = await recorder.waitForEvent<{
      orderId: string;
      contact: { name: string; contactId: string };
    }>('SupportContactAssigned', (d) => d.orderId === rejected.orderId);
    expect(assigned.data.contact.contactId).toMatch(/^us-/);

    await eventually(async () => expect(mailsTo(customer.email)).toHaveLength(1));
    const [rejection] = mailsTo(customer.email);
    expect(rejection.subject).toContain('Your payment could not be accepted');
    expect(rejection.text).toContain('Dear Sam Rivera,');
    expect(rejection.text).toContain('A full refund of USD 99.00, tax included');
    expect(rejection.text).toContain(`Your support contact is ${assigned.data.contact.name}`);
    const [kase] = await queryDatabase<{ customer_email_enc: string }>(
      databaseUrl,
      `SELECT customer_email_enc FROM support_cases WHERE order_id = $1`,
      [rejected.orderId],
    );
    expect(kase.customer_email_enc).not.toContain(customer.email);

    // Redelivered as is, and the same rejection under a new event id: no second email.
    await publisher.again(PaymentRejected.topic, rejectedEvent);
    await publisher.event(PaymentRejected, rejected);
    await publisher.event(OrderRefunded, {
      orderId: rejected.orderId,
      accountId: rejected.accountId,
      refundId: `rf-${rejected.paymentId}`,
      amount: rejected.amount,
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
      refundedAt: new Date().toISOString(),
    });
    await eventually(async () => expect(mailsTo(customer.email)).toHaveLength(2));
    const refund = mailsTo(customer.email).find((m) => m !== rejection)!;
    expect(refund.subject).toContain('Your refund is complete');
    expect(refund.text).toContain('We refunded USD 99.00');
    expect(refund.text).toContain(assigned.data.contact.name);
    await quiesceServices([service], recorder);
    expect(mailsTo(customer.email)).toHaveLength(2);
    const timeline = await service.http<TimelineBody>('GET', `/reactivations/${rejected.orderId}`);
    expect(timeline.body.status).toBe('REFUNDED');
    expect(timeline.body.supportContact?.name).toBe(assigned.data.contact.name);
    expect(JSON.stringify(timeline.body)).not.toContain(customer.email);
  });

  it('names a contact of the first roster region when a rejection carries no region', async () => {
    const rejected: PaymentRejected = {
      orderId: randomUUID(),
      accountId: 'acc-eu-rejected',
      paymentId: randomUUID(),
      amount: { amountMinor: 500, currency: 'EUR' },
      reasons: ['QUOTE_EXPIRED'],
      customer: sealedCustomer({
        name: 'Noa Levi',
        email: `noa+${randomUUID().slice(0, 8)}@customer.example`,
      }),
    };
    await publisher.event(PaymentRejected, rejected);
    const assigned = await recorder.waitForEvent<{
      orderId: string;
      contact: { contactId: string };
    }>('SupportContactAssigned', (d) => d.orderId === rejected.orderId);
    expect(assigned.data.contact.contactId).toMatch(/^eu-/);
    await eventually(async () =>
      expect(mailsTo(openCustomer(rejected.customer!).email)).toHaveLength(1),
    );
  });

  it('schedules a renewal reminder per restored license when the order bought them', async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const later = new Date(Date.now() + 300 * 86_400_000).toISOString();
    const paid = orderPaid({
      region: 'US',
      accountId: 'acc-us-1',
      addOns: ['RENEWAL_REMINDERS'],
      amount: { amountMinor: 9_900, currency: 'USD' },
    });
    // Restoration seen before the order: the reminders wait for it.
    await publisher.event(EntitlementsRestored, entitlementsRestored(paid, [soon, later]));
    await publisher.event(OrderPaid, paid);

    await eventually(async () =>
      expect(mailsTo(openCustomer(paid.customer).email)).toHaveLength(3),
    );
    const reminder = mailsTo(openCustomer(paid.customer).email).find((m) =>
      m.subject.includes('expires on'),
    )!;
    expect(reminder.subject).toContain('Poly Studio X50');
    expect(reminder.text).toContain(soon.slice(0, 10));
    const rows = await eventually(async () => {
      const reminders = await queryDatabase<{ subject_key: string; status: string; due_at: Date }>(
        databaseUrl,
        `SELECT subject_key, status, due_at FROM notifications WHERE order_id = $1 AND stage = 'RenewalReminder' ORDER BY subject_key`,
        [paid.orderId],
      );
      expect(reminders.map((r) => [r.subject_key, r.status])).toEqual([
        ['lic-lens', 'PENDING'],
        ['lic-studio', 'SENT'],
      ]);
      return reminders;
    });
    expect(new Date(rows[0].due_at).toISOString()).toBe(
      new Date(Date.parse(later) - 30 * 86_400_000).toISOString(),
    );
  });

  it('escalates a saga stuck past its stage allowance to its contact and ops, once', async () => {
    const paid = orderPaid({
      region: 'UK',
      accountId: 'acc-uk-1',
      amount: { amountMinor: 5_000, currency: 'GBP' },
    });
    await publisher.event(OrderPaid, paid);
    const stalled = await recorder.waitForEvent<{
      orderId: string;
      stage: string;
      since: string;
      deadline: string;
    }>('ReactivationStalled', (d) => d.orderId === paid.orderId, 20_000);
    expect(stalled.data.stage).toBe('OrderPaid');
    expect(Date.parse(stalled.data.deadline) - Date.parse(stalled.data.since)).toBe(4000);
    await eventually(async () =>
      expect(mailsTo(OPS_EMAIL).filter((m) => m.subject.includes(paid.orderId))).toHaveLength(1),
    );
    const escalation = mailsTo(OPS_EMAIL).find((m) => m.subject.includes(paid.orderId))!;
    expect(escalation.to.some((address) => address.endsWith('@support.poly.example'))).toBe(true);
    expect(escalation.text).not.toContain(openCustomer(paid.customer).email);
    await eventually(async () => {
      const timeline = await service.http<TimelineBody>('GET', `/reactivations/${paid.orderId}`);
      expect(timeline.body.status).toBe('STALLED');
    });
    await quiesceServices([service], recorder);
    expect(
      recorder
        .events<{ orderId: string }>('ReactivationStalled')
        .filter((e) => e.data.orderId === paid.orderId),
    ).toHaveLength(1);
    const timeline = await service.http<TimelineBody>('GET', `/reactivations/${paid.orderId}`);
    expect(timeline.body.stages.filter((s) => s.stage === 'ReactivationStalled')).toEqual([
      expect.objectContaining({ at: new Date(stalled.time).toISOString() }),
    ]);
  });

  it('gives each waiting stage its stall deadline, whatever order the topics are consumed in', async () => {
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const endsAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const reviewDeadline = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const scheduledFirst = orderPaid({
      accountId: 'acc-eu-window-1',
      changeWindow: { startsAt, endsAt },
    });
    const paidFirst = orderPaid({
      accountId: 'acc-eu-window-2',
      changeWindow: { startsAt, endsAt },
    });
    const inReview = orderPaid({ accountId: 'acc-eu-review' });
    const summary = async (orderId: string) => {
      const [row] = await queryDatabase<{
        progress_stage: string | null;
        stall_deadline: Date | null;
      }>(
        databaseUrl,
        `SELECT progress_stage, stall_deadline FROM reactivations WHERE order_id = $1`,
        [orderId],
      );
      return (
        row && {
          stage: row.progress_stage,
          deadline: row.stall_deadline && new Date(row.stall_deadline).toISOString(),
        }
      );
    };
    const scheduled = (paid: OrderPaid): ActivationScheduled => ({
      orderId: paid.orderId,
      accountId: paid.accountId,
      scheduledFor: startsAt,
    });
    // The schedule seen before the order that brings its change window, and after it.
    await publisher.event(ActivationScheduled, scheduled(scheduledFirst));
    await publisher.event(OrderPaid, paidFirst);
    await eventually(async () => {
      expect((await summary(scheduledFirst.orderId))?.stage).toBe('ActivationScheduled');
      expect((await summary(paidFirst.orderId))?.stage).toBe('OrderPaid');
    });
    await publisher.event(OrderPaid, scheduledFirst);
    await publisher.event(ActivationScheduled, scheduled(paidFirst));
    await publisher.event(OrderPaid, inReview);
    await publisher.event(EligibilityReviewRequired, {
      orderId: inReview.orderId,
      accountId: inReview.accountId,
      reviewId: randomUUID(),
      holdIds: ['hold-compliance'],
      requiredDocuments: ['Certificate of incorporation'],
      deadline: reviewDeadline,
    });
    // The change window's end (resp. the review's deadline) plus its grace (600 s by default).
    const afterWindow = new Date(Date.parse(endsAt) + 600_000).toISOString();
    await eventually(async () => {
      for (const paid of [scheduledFirst, paidFirst]) {
        expect(await summary(paid.orderId)).toEqual({
          stage: 'ActivationScheduled',
          deadline: afterWindow,
        });
      }
      expect(await summary(inReview.orderId)).toEqual({
        stage: 'EligibilityReviewRequired',
        deadline: new Date(Date.parse(reviewDeadline) + 600_000).toISOString(),
      });
    });
  });

  it('balances new cases over the region roster', async () => {
    const roster = await service.http<{
      contacts: { contactId: string; region: string; openCases: number }[];
    }>('GET', '/roster', undefined, TEST_SUPPORT_TOKEN);
    expect(roster.status).toBe(200);
    for (const region of ['EU', 'US', 'UK', 'JP']) {
      expect(roster.body.contacts.filter((c) => c.region === region).length).toBeGreaterThanOrEqual(
        2,
      );
    }
    // One account: its events share a partition, so each assignment sees the ones before it.
    const orders = Array.from({ length: 4 }, () =>
      orderPaid({
        region: 'JP',
        accountId: 'acc-jp-2',
        amount: { amountMinor: 1, currency: 'JPY' },
      }),
    );
    for (const order of orders) await publisher.event(OrderPaid, order);
    const contacts = await eventually(async () => {
      const assigned = recorder
        .events<{ orderId: string; contact: { contactId: string } }>('SupportContactAssigned')
        .filter((e) => orders.some((o) => o.orderId === e.data.orderId));
      expect(assigned).toHaveLength(4);
      return assigned.map((e) => e.data.contact.contactId);
    });
    // Two JP contacts, one of them holding the refunded case closed earlier: 2 new cases each.
    expect(contacts.filter((c) => c === 'jp-haruto-sato')).toHaveLength(2);
    expect(contacts.filter((c) => c === 'jp-yui-tanaka')).toHaveLength(2);
    expect((await service.http('GET', '/roster', undefined, `${CUSTOMER_TOKEN}`)).status).toBe(403);
  });
});
