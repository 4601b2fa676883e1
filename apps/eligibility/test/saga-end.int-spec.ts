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
  paidOrder,
  suspendedAccount,
} from '@app/testing';
import { randomUUID } from 'node:crypto';

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
    await publisher.event(AccountSnapshot, suspendedAccount(accountId), {
      correlationId: accountId,
    });
    await eventually(async () => {
      const response = await service.http('GET', `/accounts/${accountId}`);
      expect(response.status).toBe(200);
    });
    const first = paidOrder(accountId);
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
    const next = paidOrder(accountId);
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
