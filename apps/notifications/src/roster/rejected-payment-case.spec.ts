import { rejectionOpensCase } from './rejected-payment-case';

const customer = { name: 'Ada Lovelace', email: 'ada@example.com' };

describe('rejectionOpensCase', () => {
  it('opens a case for a rejection that names the customer of the order it closes', () => {
    expect(rejectionOpensCase({ reasons: ['PAYMENT_AMOUNT_MISMATCH'], customer })).toBe(true);
    expect(
      rejectionOpensCase({ reasons: ['QUOTE_EXPIRED', 'PAYMENT_AMOUNT_MISMATCH'], customer }),
    ).toBe(true);
  });

  it('opens none without a customer (unknown order, or an order of another account)', () => {
    expect(rejectionOpensCase({ reasons: ['PAYMENT_AMOUNT_MISMATCH'] })).toBe(false);
  });

  it('opens none for a second payment of an order already paid, even naming the customer', () => {
    expect(rejectionOpensCase({ reasons: ['DUPLICATE_PAYMENT'], customer })).toBe(false);
  });
});
