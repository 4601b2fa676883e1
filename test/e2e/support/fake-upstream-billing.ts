/**
 * Upstream billing as the system sees it from outside: it executes every refund billing requests
 * (RefundRequested on billing.refunds.v1) and answers once per refundId with a signed RefundSettled
 * on billing.payments.v1, as the real payment provider integration does.
 */
import { RefundRequested, RefundSettled, Topics } from '@app/contracts';
import { TEST_UPSTREAM_SECRET, TestPublisher, TopicRecorder } from '@app/testing';

export class FakeUpstreamBilling {
  private readonly settled = new Set<string>();
  /** Orders whose refund upstream executes for another amount (a provider's error). */
  private readonly misSettled = new Map<string, number>();
  private running = true;
  private loop?: Promise<void>;

  constructor(
    private readonly recorder: TopicRecorder,
    private readonly publisher: TestPublisher,
  ) {}

  start(): this {
    this.loop = this.run();
    return this;
  }

  /** The refund of this order will be settled `deltaMinor` off the amount requested. */
  settleOrderOff(orderId: string, deltaMinor: number): void {
    this.misSettled.set(orderId, deltaMinor);
  }

  /** RefundIds answered so far. */
  get settledRefundIds(): string[] {
    return [...this.settled];
  }

  private async run(): Promise<void> {
    while (this.running) {
      const requests = this.recorder.records.filter(
        (r) => r.topic === Topics.BillingRefunds && r.event?.type === RefundRequested.type,
      );
      for (const record of requests) {
        const request = record.event!.data as unknown as RefundRequested;
        // The refundId is the idempotency key: a request seen again is not paid twice.
        if (this.settled.has(request.refundId)) continue;
        this.settled.add(request.refundId);
        await this.publisher.event(
          RefundSettled,
          {
            refundId: request.refundId,
            orderId: request.orderId,
            accountId: request.accountId,
            amount: {
              amountMinor: request.amount.amountMinor + (this.misSettled.get(request.orderId) ?? 0),
              currency: request.amount.currency,
            },
            settledAt: new Date().toISOString(),
          },
          { signingSecret: TEST_UPSTREAM_SECRET, source: 'upstream-billing' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
