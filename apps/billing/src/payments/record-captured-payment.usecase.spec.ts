import { OrderPaid, PaymentRejected, RefundRequested } from '@app/contracts';
import { Transaction, TransientError } from '@app/messaging';
import { PersonalDataCipher } from '@app/platform';
import { EntityManager } from 'typeorm';
import { BillingEnvironment } from '../billing.config';
import { Order } from '../orders/order';
import { OrdersPort } from '../orders/orders.port';
import { Quote } from '../quotes/quote';
import { RefundsPort } from '../refunds/refunds.port';
import { Payment } from './payment';
import { PaymentRepository } from './payment.repository';
import {
  RecordCapturedPaymentCommand,
  RecordCapturedPaymentUsecase,
} from './record-captured-payment.usecase';

const NOW = new Date('2026-11-30T12:00:00Z');
const cipher = new PersonalDataCipher(Buffer.alloc(32, 7).toString('base64'));

const quote = (id: string): Quote => ({
  id,
  accountId: 'acc-1',
  region: 'EU',
  licenseIds: ['l-1'],
  addOns: [],
  createdAt: NOW,
  expiresAt: new Date(NOW.getTime() + 900_000),
  currency: 'EUR',
  taxInclusive: true,
  taxRateBps: 2000,
  lines: [],
  subtotalMinor: 4083,
  taxMinor: 817,
  totalMinor: 4900,
});

const order = (id: string, status: Order['status'] = 'AWAITING_PAYMENT'): Order => ({
  id,
  quoteId: `q-${id}`,
  accountId: 'acc-1',
  status,
  customer: { name: 'Ada', email: 'ada@example.com' },
  changeWindow: undefined,
  paymentDeadline: new Date(NOW.getTime() + 900_000),
  paymentId: null,
  refundId: null,
  createdAt: NOW,
  paidAt: null,
  fulfilledAt: null,
  refundRequestedAt: null,
  refundedAt: null,
  expiredAt: null,
});

/**
 * A billing database in memory: orders as the locking read finds them, payments as recorded;
 * counts the statements of each kind, to tell the one-statement path from the one-by-one one.
 * `changedAfterRead`: orders another writer takes between the read and the write (what the lock
 * prevents; the use case must still not pay them blindly).
 */
function database(orders: Order[], recordedBefore: string[] = [], changedAfterRead: string[] = []) {
  const rows = new Map(orders.map((o) => [o.id, { ...o }]));
  const recorded = new Set(recordedBefore);
  const calls = { lockAll: 0, insertAll: 0, lockOne: 0, insertOne: 0 };
  const pay = (p: Payment): boolean => {
    const row = rows.get(p.orderId);
    if (!row || (row.status !== 'AWAITING_PAYMENT' && row.status !== 'EXPIRED')) return false;
    row.status = 'PAID';
    return true;
  };
  const found = (id: string) => {
    const row = rows.get(id);
    return row && { order: { ...row }, quote: quote(row.quoteId) };
  };
  const ordersPort = {
    lockAllWithQuote: (_m: EntityManager, ids: string[]) => {
      calls.lockAll++;
      const read = new Map(ids.filter((id) => rows.has(id)).map((id) => [id, found(id)!]));
      for (const id of changedAfterRead) rows.get(id)!.status = 'REFUND_PENDING';
      return Promise.resolve(read);
    },
    lockWithQuote: (_m: EntityManager, id: string) => {
      calls.lockOne++;
      return Promise.resolve(found(id));
    },
    markRefundPending: () => Promise.resolve(true),
  } as unknown as OrdersPort;
  const paymentRepository = {
    insertAllAcceptedPayingOrders: (_m: EntityManager, payments: Payment[]) => {
      calls.insertAll++;
      const result = new Map<string, boolean>();
      for (const p of payments) {
        if (recorded.has(p.paymentId)) continue;
        recorded.add(p.paymentId);
        result.set(p.paymentId, pay(p));
      }
      return Promise.resolve(result);
    },
    insertAcceptedPayingOrder: (_m: EntityManager, p: Payment) => {
      calls.insertOne++;
      if (recorded.has(p.paymentId)) return Promise.resolve({ recorded: false, orderPaid: false });
      recorded.add(p.paymentId);
      return Promise.resolve({ recorded: true, orderPaid: pay(p) });
    },
    insertIfNew: (_m: EntityManager, p: Payment) => {
      calls.insertOne++;
      const isNew = !recorded.has(p.paymentId);
      recorded.add(p.paymentId);
      return Promise.resolve(isNew);
    },
  } as unknown as PaymentRepository;
  const refunds = {
    issue: (tx: Transaction, refund: { paymentId: string }) => {
      tx.enqueueRaw({
        topic: 'billing.refunds.v1',
        key: 'acc-1',
        payload: Buffer.from(JSON.stringify({ type: RefundRequested.type })),
        headers: {},
        eventType: RefundRequested.type,
      });
      return Promise.resolve({ refundId: `r-${refund.paymentId}`, issued: true });
    },
  } as unknown as RefundsPort;
  const usecase = new RecordCapturedPaymentUsecase(ordersPort, paymentRepository, refunds, cipher, {
    UPSTREAM_SIGNATURE_TOLERANCE_SECONDS: 300,
  } as BillingEnvironment);
  return { usecase, rows, calls };
}

const payment = (paymentId: string, orderId: string, amountMinor = 4900) => ({
  command: {
    paymentId,
    orderId,
    accountId: 'acc-1',
    amount: { amountMinor, currency: 'EUR' },
    capturedAt: NOW,
    appendedAt: NOW,
  } satisfies RecordCapturedPaymentCommand,
  tx: new Transaction({} as EntityManager, { source: 'poly.reactivation.billing' }, NOW),
});

const publishedTypes = (tx: Transaction) => tx.takeMessages().map((m) => m.eventType);

describe('RecordCapturedPaymentUsecase.executeAll', () => {
  it('pays every order of a run with one locking read and one write, each OrderPaid from its own event', async () => {
    const { usecase, rows, calls } = database([order('o-1'), order('o-2'), order('o-3')]);
    const run = [payment('p-1', 'o-1'), payment('p-2', 'o-2'), payment('p-3', 'o-3')];
    await usecase.executeAll(run);
    expect(run.map(({ tx }) => publishedTypes(tx))).toEqual([
      [OrderPaid.type],
      [OrderPaid.type],
      [OrderPaid.type],
    ]);
    expect([...rows.values()].map((o) => o.status)).toEqual(['PAID', 'PAID', 'PAID']);
    expect(calls).toEqual({ lockAll: 1, insertAll: 1, lockOne: 0, insertOne: 0 });
  });

  it('decides a second payment of the same order in the run as one by one would: a duplicate, refunded', async () => {
    const { usecase, calls } = database([order('o-1'), order('o-2')]);
    const run = [payment('p-1', 'o-1'), payment('p-2', 'o-2'), payment('p-1b', 'o-1')];
    await usecase.executeAll(run);
    expect(run.map(({ tx }) => publishedTypes(tx))).toEqual([
      [OrderPaid.type],
      [OrderPaid.type],
      [PaymentRejected.type, RefundRequested.type],
    ]);
    expect(calls.insertAll).toBe(1);
  });

  it('refunds a wrong amount and still pays the others of the run', async () => {
    const { usecase, rows } = database([order('o-1'), order('o-2')]);
    const run = [payment('p-1', 'o-1', 100), payment('p-2', 'o-2')];
    await usecase.executeAll(run);
    expect(run.map(({ tx }) => publishedTypes(tx))).toEqual([
      [PaymentRejected.type, RefundRequested.type],
      [OrderPaid.type],
    ]);
    expect(rows.get('o-2')!.status).toBe('PAID');
  });

  it('publishes nothing for a payment recorded before (a redelivery)', async () => {
    const { usecase } = database([order('o-1'), order('o-2')], ['p-1']);
    const run = [payment('p-1', 'o-1'), payment('p-2', 'o-2')];
    await usecase.executeAll(run);
    expect(run.map(({ tx }) => publishedTypes(tx))).toEqual([[], [OrderPaid.type]]);
  });

  it('retries the run when an order changed between the read and the write', async () => {
    const { usecase } = database([order('o-1'), order('o-2')], [], ['o-2']);
    await expect(
      usecase.executeAll([payment('p-1', 'o-1'), payment('p-2', 'o-2')]),
    ).rejects.toBeInstanceOf(TransientError);
  });
});
