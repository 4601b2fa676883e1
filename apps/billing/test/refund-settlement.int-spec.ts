/**
 * A refund that upstream settles with another amount than requested: the saga must end in an
 * explicit manual-handling state ops see, never in a dead letter (the customer's money is at stake).
 */
import {
  ConsumerGroups,
  deadLetterTopicOf,
  ManualHandlingRequired,
  OrderPaid,
  OrderRefunded,
  PaymentCaptured,
  ReactivationFailed,
  RefundRequested,
  RefundSettled,
  Topics,
} from '@app/contracts';
import {
  createTestDatabase,
  createTestTopics,
  ServiceProcess,
  startService,
  TEST_SUPPORT_TOKEN,
  TestPublisher,
  TopicRecorder,
} from '@app/testing';
import { randomUUID } from 'node:crypto';

const SECRET = 'billing-test-upstream-secret';
const DEAD_LETTERS = deadLetterTopicOf(ConsumerGroups.Billing);

describe('billing refund settlement (real Kafka, real PostgreSQL)', () => {
  let service: ServiceProcess;
  let publisher: TestPublisher;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    const prefix = await createTestTopics();
    service = await startService('billing', {
      DATABASE_URL: await createTestDatabase('billing'),
      KAFKA_TOPIC_PREFIX: prefix,
      UPSTREAM_SIGNING_SECRET: SECRET,
      MANUAL_HANDLING_DEADLINE_SECONDS: '3600',
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

  /** A paid order whose reactivation failed: billing has asked upstream for the refund. */
  async function refundRequested(accountId: string) {
    const quote = await service.http<{ id: string; totalMinor: number }>('POST', '/quotes', {
      accountId,
      region: 'EU',
      licenseIds: [`${accountId}-lic-1`],
      addOns: [],
    });
    const order = await service.http<{ id: string }>('POST', '/orders', {
      quoteId: quote.body.id,
      customer: { name: 'Ada Customer', email: 'ada@example.com' },
    });
    const orderId = order.body.id;
    await publisher.event(
      PaymentCaptured,
      {
        paymentId: randomUUID(),
        orderId,
        accountId,
        amount: { amountMinor: quote.body.totalMinor, currency: 'EUR' },
        capturedAt: new Date().toISOString(),
      },
      { signingSecret: SECRET },
    );
    await recorder.waitForEvent<OrderPaid>(OrderPaid.type, (d) => d.orderId === orderId);
    await publisher.event(ReactivationFailed, {
      orderId,
      accountId,
      reasons: ['LICENSE_REVOKED'],
      resuspendedLicenseIds: [],
      failedAt: new Date().toISOString(),
    });
    const refund = await recorder.waitForEvent<RefundRequested>(
      RefundRequested.type,
      (d) => d.orderId === orderId,
    );
    return { orderId, refund: refund.data };
  }

  it('records a refund settled with another amount as manual handling with a deadline, not a dead letter', async () => {
    const accountId = `acc-${randomUUID()}`;
    const { orderId, refund } = await refundRequested(accountId);
    const wrong = { amountMinor: refund.amount.amountMinor - 100, currency: 'EUR' };
    const settled = {
      refundId: refund.refundId,
      orderId,
      accountId,
      amount: wrong,
      settledAt: new Date().toISOString(),
    };
    const settlement = await publisher.event(RefundSettled, settled, { signingSecret: SECRET });

    const manual = await recorder.waitForEvent<ManualHandlingRequired>(
      ManualHandlingRequired.type,
      (d) => d.orderId === orderId,
    );
    expect(manual.correlationid).toBe(orderId);
    expect(manual.data).toMatchObject({
      accountId,
      reason: 'REFUND_AMOUNT_MISMATCH',
      refundId: refund.refundId,
      requested: refund.amount,
      settled: wrong,
    });
    const deadline = Date.parse(manual.data.deadline) - Date.parse(manual.data.raisedAt);
    expect(deadline).toBe(3600_000);

    // Redelivered, then a sentinel on the same key behind it: the settlement of another order's
    // refund, whose OrderRefunded shows that everything before it was handled.
    await publisher.again(Topics.BillingPayments, settlement, SECRET);
    const sentinel = await refundRequested(accountId);
    await publisher.event(
      RefundSettled,
      {
        refundId: sentinel.refund.refundId,
        orderId: sentinel.orderId,
        accountId,
        amount: sentinel.refund.amount,
        settledAt: new Date().toISOString(),
      },
      { signingSecret: SECRET },
    );
    await recorder.waitForEvent<OrderRefunded>(
      OrderRefunded.type,
      (d) => d.orderId === sentinel.orderId,
    );

    const ofOrder = (type: string) =>
      recorder.events<{ orderId: string }>(type).filter((e) => e.data.orderId === orderId);
    expect(ofOrder(ManualHandlingRequired.type)).toHaveLength(1);
    expect(ofOrder(OrderRefunded.type)).toHaveLength(0);
    expect(recorder.records.filter((r) => r.topic === DEAD_LETTERS)).toEqual([]);
    const view = await service.http<{ status: string; refund: { status: string } }>(
      'GET',
      `/orders/${orderId}`,
      undefined,
      TEST_SUPPORT_TOKEN,
    );
    expect(view.body.status).toBe('REFUND_PENDING');
    expect(view.body.refund.status).toBe('MISMATCHED');
  });
});
