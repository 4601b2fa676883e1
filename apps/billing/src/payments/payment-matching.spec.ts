import { matchPayment, PayableOrder } from './payment-matching';

const now = new Date('2026-11-23T10:00:00Z');
const order: PayableOrder = {
  accountId: 'acc-1',
  status: 'AWAITING_PAYMENT',
  paymentDeadline: new Date('2026-11-24T10:00:00Z'),
  price: { amountMinor: 5400, currency: 'EUR' },
};
const exact = { accountId: 'acc-1', amount: { amountMinor: 5400, currency: 'EUR' } };

describe('matchPayment', () => {
  it('accepts the exact amount and currency for an order awaiting payment', () => {
    expect(matchPayment(order, exact, now)).toEqual({ outcome: 'ACCEPT' });
  });

  it('rejects an under-payment, an over-payment and the right number in another currency', () => {
    for (const amount of [
      { amountMinor: 5399, currency: 'EUR' },
      { amountMinor: 5401, currency: 'EUR' },
      { amountMinor: 5400, currency: 'USD' },
    ]) {
      expect(matchPayment(order, { ...exact, amount }, now)).toEqual({
        outcome: 'REJECT',
        reasons: ['PAYMENT_AMOUNT_MISMATCH'],
        closesOrder: true,
      });
    }
  });

  it('rejects a payment after the deadline or for an expired order as QUOTE_EXPIRED', () => {
    expect(matchPayment(order, exact, order.paymentDeadline)).toEqual({
      outcome: 'REJECT',
      reasons: ['QUOTE_EXPIRED'],
      closesOrder: true,
    });
    expect(matchPayment({ ...order, status: 'EXPIRED' }, exact, now)).toMatchObject({
      reasons: ['QUOTE_EXPIRED'],
    });
  });

  it('gives every reason at once', () => {
    const late = { ...exact, amount: { amountMinor: 1, currency: 'EUR' } };
    expect(matchPayment({ ...order, status: 'EXPIRED' }, late, now)).toMatchObject({
      reasons: ['QUOTE_EXPIRED', 'PAYMENT_AMOUNT_MISMATCH'],
    });
  });

  it('refunds a second payment of an order that already has one, leaving the order alone', () => {
    for (const status of ['PAID', 'FULFILLED', 'REFUND_PENDING', 'REFUNDED'] as const) {
      expect(matchPayment({ ...order, status }, exact, now)).toEqual({
        outcome: 'REJECT',
        reasons: ['DUPLICATE_PAYMENT'],
        closesOrder: false,
      });
    }
  });

  it('rejects a payment for an unknown order, or for an order of another account, touching no order', () => {
    const expected = {
      outcome: 'REJECT',
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
      closesOrder: false,
    };
    expect(matchPayment(undefined, exact, now)).toEqual(expected);
    expect(matchPayment(order, { ...exact, accountId: 'acc-2' }, now)).toEqual(expected);
  });
});
