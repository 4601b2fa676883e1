/**
 * Drives a reactivation through the running system the way its users and neighbours do: ops import
 * the account into licensing, the customer quotes and orders on billing, upstream billing captures
 * the payment (a signed PaymentCaptured). It reads what happened back from the topics (the
 * recorder), the services' HTTP APIs and the mailbox.
 */
import { CloudEvent, PaymentCaptured, RefundRequested, Topics } from '@app/contracts';
import {
  eventually,
  TEST_UPSTREAM_SECRET,
  TestPublisher,
  TestSystem,
  TopicRecorder,
} from '@app/testing';
import { randomUUID } from 'node:crypto';
import { AccountImport } from './accounts';

export interface Quote {
  id: string;
  totalMinor: number;
  currency: string;
}

export interface Order {
  id: string;
  accountId: string;
  status: string;
  amount: { amountMinor: number; currency: string };
}

export interface Customer {
  name: string;
  email: string;
}

/** The topics a saga's story is told on (the notifications topic interleaves freely). */
const SAGA_TOPICS: string[] = [
  Topics.ReactivationBilling,
  Topics.ReactivationEligibility,
  Topics.ReactivationLicensing,
];

export const FINAL_TYPES = ['OrderFulfilled', 'OrderRefunded'];

export class SagaDriver {
  constructor(
    readonly sys: TestSystem,
    readonly recorder: TopicRecorder,
    readonly publisher: TestPublisher,
  ) {}

  /** Ops import (or re-import) the account; returns once eligibility holds that version of it. */
  async importAccount(accountId: string, account: AccountImport): Promise<number> {
    const imported = await this.sys.licensing.http<{ version: number }>(
      'PUT',
      `/accounts/${accountId}`,
      account,
    );
    if (imported.status !== 200) {
      throw new Error(
        `import of ${accountId} answered ${imported.status}: ${JSON.stringify(imported.body)}`,
      );
    }
    const version = imported.body.version;
    await eventually(
      async () => {
        const copy = await this.sys.eligibility.http<{ version: number }>(
          'GET',
          `/accounts/${accountId}`,
        );
        if (copy.status !== 200 || copy.body.version < version) {
          throw new Error(
            `eligibility holds ${accountId} at ${JSON.stringify(copy.body)}, want version ${version}`,
          );
        }
      },
      20_000,
      100,
    );
    return version;
  }

  async quote(
    accountId: string,
    region: string,
    licenseIds: string[],
    addOns: string[] = [],
  ): Promise<Quote> {
    const response = await this.sys.billing.http<Quote>('POST', '/quotes', {
      accountId,
      region,
      licenseIds,
      addOns,
    });
    if (response.status !== 201) {
      throw new Error(`quote answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  async order(
    quote: Quote,
    customer: Customer,
    changeWindow?: { startsAt: string; endsAt: string },
  ): Promise<Order> {
    const response = await this.sys.billing.http<Order>('POST', '/orders', {
      quoteId: quote.id,
      customer,
      ...(changeWindow ? { changeWindow } : {}),
    });
    if (response.status !== 201) {
      throw new Error(`order answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  /** Quote and order in one go (most scenarios need nothing in between). */
  async placeOrder(
    accountId: string,
    region: string,
    licenseIds: string[],
    customer: Customer,
    options: { addOns?: string[]; changeWindow?: { startsAt: string; endsAt: string } } = {},
  ): Promise<Order> {
    const quote = await this.quote(accountId, region, licenseIds, options.addOns);
    return this.order(quote, customer, options.changeWindow);
  }

  /**
   * Upstream captured the customer's payment: a signed PaymentCaptured, of the order's exact
   * amount unless `amount` says otherwise.
   */
  async pay(
    order: Order,
    options: { paymentId?: string; amount?: { amountMinor: number; currency: string } } = {},
  ): Promise<CloudEvent<PaymentCaptured>> {
    return this.publisher.event(
      PaymentCaptured,
      {
        paymentId: options.paymentId ?? `pay-${randomUUID()}`,
        orderId: order.id,
        accountId: order.accountId,
        amount: options.amount ?? order.amount,
        capturedAt: new Date().toISOString(),
      },
      { signingSecret: TEST_UPSTREAM_SECRET, source: 'upstream-billing' },
    );
  }

  /** The same record again, byte for byte (upstream or the broker redelivering). */
  async payAgain(event: CloudEvent<PaymentCaptured>): Promise<void> {
    await this.publisher.again(Topics.BillingPayments, event, TEST_UPSTREAM_SECRET);
  }

  /** Waits for the saga's end (OrderFulfilled or OrderRefunded of the order). */
  async finalEvent(
    orderId: string,
    timeoutMs = 45_000,
  ): Promise<CloudEvent<Record<string, unknown>>> {
    const record = await this.recorder.waitFor(
      (r) => !!r.event && FINAL_TYPES.includes(r.event.type) && r.event.data.orderId === orderId,
      timeoutMs,
      `the end of order ${orderId}`,
    );
    return record.event!;
  }

  async waitForEvent<T = Record<string, unknown>>(
    type: string,
    orderId: string,
    timeoutMs = 30_000,
  ): Promise<CloudEvent<T>> {
    return this.recorder.waitForEvent<T>(
      type,
      (data) => (data as { orderId?: string }).orderId === orderId,
      timeoutMs,
    );
  }

  /** Every recorded event of the order (by correlation id or orderId), of one type or all. */
  eventsOf<T = Record<string, unknown>>(orderId: string, type?: string): CloudEvent<T>[] {
    return this.recorder
      .events()
      .filter((e) => belongsTo(e, orderId) && (!type || e.type === type)) as CloudEvent<T>[];
  }

  eventsOn<T = Record<string, unknown>>(topic: string, orderId: string): CloudEvent<T>[] {
    return this.recorder.records
      .filter((r) => r.topic === topic && r.event && belongsTo(r.event, orderId))
      .map((r) => r.event as unknown as CloudEvent<T>);
  }

  /**
   * The types of the order's saga events (billing, eligibility, licensing topics) in the order they
   * happened: by event time (each is stamped by the transaction that emitted it, after its cause
   * committed), then as recorded.
   */
  storyOf(orderId: string): string[] {
    return this.recorder.records
      .map((r, index) => ({ r, index }))
      .filter(({ r }) => SAGA_TOPICS.includes(r.topic) && r.event && belongsTo(r.event, orderId))
      .sort(
        (a, b) => Date.parse(a.r.event!.time) - Date.parse(b.r.event!.time) || a.index - b.index,
      )
      .map(({ r }) => r.event!.type);
  }

  async orderStatus(orderId: string): Promise<string> {
    const response = await this.sys.billing.http<{ status: string }>('GET', `/orders/${orderId}`);
    if (response.status !== 200) {
      throw new Error(`GET /orders/${orderId} answered ${response.status}`);
    }
    return response.body.status;
  }

  /** Billing's order once it has reached `status` (OrderRefunded may come a moment before). */
  async orderReaches(orderId: string, status: string): Promise<void> {
    await eventually(
      async () => {
        const current = await this.orderStatus(orderId);
        if (current !== status)
          throw new Error(`order ${orderId} is ${current}, expected ${status}`);
      },
      15_000,
      200,
    );
  }

  refundRequestsOf(orderId: string): RefundRequested[] {
    return this.eventsOf<RefundRequested>(orderId, 'RefundRequested').map((e) => e.data);
  }

  /**
   * The order's refund requests once the first is recorded: billing.refunds is read on its own, so
   * seeing PaymentRejected (committed with its RefundRequested) says nothing of this topic yet.
   */
  async refundRequestsOnce(orderId: string, timeoutMs = 15_000): Promise<RefundRequested[]> {
    await this.waitForEvent('RefundRequested', orderId, timeoutMs);
    return this.refundRequestsOf(orderId);
  }

  /** The emails sent to an address about an order (subjects name the order). */
  mailsAbout(address: string, orderId: string) {
    return this.sys.mailbox
      .to(address)
      .filter((m) => m.subject.includes(orderId) || m.text.includes(orderId));
  }
}

function belongsTo(event: CloudEvent<unknown>, orderId: string): boolean {
  return (
    event.correlationid === orderId || (event.data as { orderId?: string }).orderId === orderId
  );
}

export function newCustomer(label: string): Customer {
  return { name: `Customer ${label}`, email: `${label.toLowerCase()}@customer.example` };
}
