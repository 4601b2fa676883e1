import { OrderFulfilled } from '@app/contracts';
import { Transaction, TransientError } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { BillingError } from '../billing.error';
import { Order, OrderStatus } from '../orders/order';
import { OrdersPort } from '../orders/orders.port';
import { Quote } from '../quotes/quote';
import { FulfilOrderUsecase } from './fulfil-order.usecase';

const NOW = new Date();

const quote: Quote = {
  id: 'q-1',
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
};

function order(id: string, status: OrderStatus, accountId = 'acc-1'): Order {
  return {
    id,
    quoteId: 'q-1',
    accountId,
    status,
    customer: { name: 'Ada', email: 'ada@example.com' },
    paymentDeadline: NOW,
    paymentId: 'pay-1',
    refundId: null,
    createdAt: NOW,
    paidAt: NOW,
    fulfilledAt: null,
    refundRequestedAt: null,
    refundedAt: null,
    expiredAt: null,
  };
}

/** Orders as the database holds them; `paid` are those the set-based update finds PAID. */
function ordersPort(paid: string[], rows: Order[]): OrdersPort {
  return {
    fulfilPaid: (_manager: EntityManager, orders: { orderId: string }[]) =>
      Promise.resolve(
        new Map(orders.filter((o) => paid.includes(o.orderId)).map((o) => [o.orderId, quote])),
      ),
    lock: (_manager: EntityManager, id: string) =>
      Promise.resolve(rows.find((row) => row.id === id)),
  } as unknown as OrdersPort;
}

function tx(): Transaction {
  return new Transaction({} as EntityManager, { source: 'poly.reactivation.billing' }, NOW);
}

const published = (t: Transaction) =>
  t
    .takeMessages()
    .map((m) => JSON.parse(m.payload.toString()) as { type: string; data: { orderId: string } });

describe('FulfilOrderUsecase', () => {
  it('fulfils every paid order restored, once even when restored twice in the run', async () => {
    // After the update the database holds o-1 FULFILLED: that is what the second one reads.
    const usecase = new FulfilOrderUsecase(
      ordersPort(['o-1', 'o-2'], [order('o-1', 'FULFILLED'), order('o-2', 'FULFILLED')]),
    );
    const [a, b, c] = [tx(), tx(), tx()];
    await usecase.executeAll([
      { command: { orderId: 'o-1', accountId: 'acc-1' }, tx: a },
      { command: { orderId: 'o-2', accountId: 'acc-1' }, tx: b },
      // The same restoration again in the same run: the order was taken by the first.
      { command: { orderId: 'o-1', accountId: 'acc-1' }, tx: c },
    ]);
    expect(published(a).map((e) => [e.type, e.data.orderId])).toEqual([
      [OrderFulfilled.type, 'o-1'],
    ]);
    expect(published(b).map((e) => [e.type, e.data.orderId])).toEqual([
      [OrderFulfilled.type, 'o-2'],
    ]);
    expect(published(c)).toEqual([]);
  });

  describe('an order the set-based update did not find PAID (the lost race)', () => {
    const run = (rows: Order[]) => {
      const t = tx();
      const result = new FulfilOrderUsecase(ordersPort([], rows)).executeAll([
        { command: { orderId: 'o-1', accountId: 'acc-1' }, tx: t },
      ]);
      return { t, result };
    };

    it('is a redelivery when the order is fulfilled already: nothing more is published', async () => {
      const { t, result } = run([order('o-1', 'FULFILLED')]);
      await expect(result).resolves.toBeUndefined();
      expect(published(t)).toEqual([]);
    });

    it('is retried when the order is still PAID (it changed between the update and the read)', async () => {
      await expect(run([order('o-1', 'PAID')]).result).rejects.toBeInstanceOf(TransientError);
    });

    it.each(['REFUND_PENDING', 'REFUNDED', 'AWAITING_PAYMENT', 'EXPIRED'] as const)(
      'is for a human when the order is %s (ORDER_NOT_FULFILLABLE)',
      async (status) => {
        await expect(run([order('o-1', status)]).result).rejects.toMatchObject({
          code: 'ORDER_NOT_FULFILLABLE',
        });
      },
    );

    it('refuses an unknown order or one of another account', async () => {
      await expect(run([]).result).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
      const other = run([order('o-1', 'FULFILLED', 'acc-2')]).result;
      await expect(other).rejects.toBeInstanceOf(BillingError);
      await expect(other).rejects.toMatchObject({ code: 'ORDER_ACCOUNT_MISMATCH' });
    });
  });
});
