/**
 * Every saga's end releases the account for its next order, including a saga handed to ops
 * (ManualHandlingRequired): otherwise every later order would be rejected REACTIVATION_IN_PROGRESS.
 */
import {
  AccountSnapshot,
  ConsumerGroups,
  deadLetterTopicOf,
  EligibilityVerified,
  ManualHandlingRequired,
  OrderPaid,
  Topics,
} from '@app/contracts';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  ServiceProcess,
  startService,
  TestPublisher,
  TopicRecorder,
  daysFromNow,
  sealedCustomer,
} from '@app/testing';
import { randomUUID } from 'node:crypto';

function snapshot(accountId: string): AccountSnapshot {
  return {
    accountId,
    region: 'EU',
    status: 'SUSPENDED',
    outstandingBalance: { amountMinor: 0, currency: 'EUR' },
    holds: [
      { holdId: `${accountId}-billing`, category: 'BILLING_HOLD', reason: 'paid', state: 'ACTIVE' },
    ],
    contracts: [
      {
        contractId: `${accountId}-ctr`,
        startsAt: daysFromNow(-300),
        endsAt: daysFromNow(700),
        renewalTerms: 'ANNUAL_AUTO',
        termsFingerprint: 'a'.repeat(64),
        entitlements: [{ code: 'VIDEO', name: 'Video meetings' }],
      },
    ],
    licenses: [
      {
        licenseId: `${accountId}-lic-1`,
        contractId: `${accountId}-ctr`,
        product: 'Poly Lens',
        status: 'SUSPENDED',
        expiresAt: daysFromNow(500),
      },
    ],
    version: 1,
  };
}

function orderPaid(accountId: string): OrderPaid {
  return {
    orderId: randomUUID(),
    accountId,
    paymentId: randomUUID(),
    region: 'EU',
    licenseIds: [`${accountId}-lic-1`],
    amount: { amountMinor: 4900, currency: 'EUR' },
    addOns: [],
    customer: sealedCustomer({ name: 'Ada Customer', email: 'ada@example.com' }),
    paidAt: new Date().toISOString(),
  };
}

describe('eligibility: a saga handed to ops releases the account (real Kafka, real PostgreSQL)', () => {
  let service: ServiceProcess;
  let publisher: TestPublisher;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    const prefix = await createTestTopics();
    service = await startService('eligibility', {
      DATABASE_URL: await createTestDatabase('eligibility'),
      KAFKA_TOPIC_PREFIX: prefix,
    });
    publisher = await TestPublisher.connect(prefix);
    recorder = await TopicRecorder.start(prefix, [
      Topics.ReactivationEligibility,
      deadLetterTopicOf(ConsumerGroups.Eligibility),
    ]);
  });

  afterAll(async () => {
    await recorder?.stop();
    await publisher?.disconnect();
    await service?.stop();
  });

  const decisionOf = (orderId: string) =>
    recorder.waitFor(
      (r) => r.topic === Topics.ReactivationEligibility && r.event?.data.orderId === orderId,
      30_000,
      `the decision on ${orderId}`,
    );

  it('verifies the next order of an account whose previous saga ended in manual handling', async () => {
    const accountId = `acc-${randomUUID()}`;
    await publisher.event(AccountSnapshot, snapshot(accountId), { correlationId: accountId });
    await eventually(async () => {
      const response = await service.http('GET', `/accounts/${accountId}`);
      expect(response.status).toBe(200);
    });
    const first = orderPaid(accountId);
    await publisher.event(OrderPaid, first);
    expect((await decisionOf(first.orderId)).event?.type).toBe(EligibilityVerified.type);

    // Its reactivation failed and upstream refunded another amount: billing hands it to ops.
    await publisher.event(ManualHandlingRequired, {
      orderId: first.orderId,
      accountId,
      reason: 'REFUND_AMOUNT_MISMATCH',
      detail: 'refund rf-1 was settled as 4800 EUR, requested 4900 EUR',
      deadline: daysFromNow(2),
      raisedAt: new Date().toISOString(),
    });
    // Same key, same partition: the next order is handled after the manual handling.
    const next = orderPaid(accountId);
    await publisher.event(OrderPaid, next);
    const decision = await decisionOf(next.orderId);
    // Before: EligibilityRejected REACTIVATION_IN_PROGRESS, for every later order, forever.
    expect(decision.event?.type).toBe(EligibilityVerified.type);
    const firstCase = await service.http<{ open: boolean; outcome: string }>(
      'GET',
      `/cases/${first.orderId}`,
    );
    expect(firstCase.body).toMatchObject({ open: false, outcome: 'MANUAL_HANDLING' });
    expect(
      recorder.records.filter((r) => r.topic === deadLetterTopicOf(ConsumerGroups.Eligibility)),
    ).toEqual([]);
  });
});
