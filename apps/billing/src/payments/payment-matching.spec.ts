import { matchPayment, PayableOrder, paymentTime } from './payment-matching';

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
        ofOrder: true,
      });
    }
  });

  it('rejects a payment made at or after the deadline as QUOTE_EXPIRED, expired order or not', () => {
    expect(matchPayment(order, exact, order.paymentDeadline)).toEqual({
      outcome: 'REJECT',
      reasons: ['QUOTE_EXPIRED'],
      closesOrder: true,
      ofOrder: true,
    });
    expect(
      matchPayment({ ...order, status: 'EXPIRED' }, exact, order.paymentDeadline),
    ).toMatchObject({ reasons: ['QUOTE_EXPIRED'] });
  });

  it('accepts a payment made before the deadline although the sweep expired its order since', () => {
    expect(matchPayment({ ...order, status: 'EXPIRED' }, exact, now)).toEqual({
      outcome: 'ACCEPT',
    });
  });

  it('gives every reason at once', () => {
    const wrong = { ...exact, amount: { amountMinor: 1, currency: 'EUR' } };
    expect(
      matchPayment({ ...order, status: 'EXPIRED' }, wrong, order.paymentDeadline),
    ).toMatchObject({
      reasons: ['QUOTE_EXPIRED', 'PAYMENT_AMOUNT_MISMATCH'],
    });
  });

  it('refunds a second payment of an order that already has one, leaving the order alone', () => {
    for (const status of ['PAID', 'FULFILLED', 'REFUND_PENDING', 'REFUNDED'] as const) {
      expect(matchPayment({ ...order, status }, exact, now)).toEqual({
        outcome: 'REJECT',
        reasons: ['DUPLICATE_PAYMENT'],
        closesOrder: false,
        ofOrder: true,
      });
    }
  });

  it('rejects a payment for an unknown order, or for an order of another account, touching no order nor its saga', () => {
    const expected = {
      outcome: 'REJECT',
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
      closesOrder: false,
      ofOrder: false,
    };
    expect(matchPayment(undefined, exact, now)).toEqual(expected);
    expect(matchPayment(order, { ...exact, accountId: 'acc-2' }, now)).toEqual(expected);
  });
});

describe('paymentTime', () => {
  const appendedAt = new Date('2026-11-23T10:00:00Z');
  const minutes = (n: number) => new Date(appendedAt.getTime() + n * 60_000);

  it('is the signed capture time when it is shortly before the broker appended the record', () => {
    expect(paymentTime(minutes(-2), appendedAt)).toEqual(minutes(-2));
  });

  it('is never after the append time: a capture time in the future buys no time', () => {
    expect(paymentTime(minutes(60), appendedAt)).toEqual(appendedAt);
  });

  it('is never more than the signature tolerance (5 min) before the append time', () => {
    expect(paymentTime(minutes(-600), appendedAt)).toEqual(minutes(-5));
  });
});
