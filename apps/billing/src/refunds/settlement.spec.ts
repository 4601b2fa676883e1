import { Refund, settlementOf } from './refund';

const requested: Refund = {
  refundId: 'rf-pay-1',
  orderId: 'ord-1',
  accountId: 'acc-1',
  paymentId: 'pay-1',
  amount: { amountMinor: 12_345, currency: 'EUR' },
  reasons: ['LICENSE_REVOKED'],
  status: 'REQUESTED',
  requestedAt: new Date(),
  settledAt: null,
  settledAmount: null,
};

describe('settlementOf', () => {
  it('settles a requested refund upstream executed for exactly the amount requested', () => {
    expect(settlementOf(requested, { amountMinor: 12_345, currency: 'EUR' })).toBe('SETTLE');
  });

  it.each([
    ['less', { amountMinor: 12_245, currency: 'EUR' }],
    ['more', { amountMinor: 12_346, currency: 'EUR' }],
    ['another currency', { amountMinor: 12_345, currency: 'USD' }],
  ])('asks ops when upstream refunded %s', (_what, amount) => {
    expect(settlementOf(requested, amount)).toBe('MISMATCH');
  });

  it.each(['SETTLED', 'MISMATCHED'] as const)(
    'changes nothing on a refund already %s (a redelivery)',
    (status) => {
      expect(settlementOf({ ...requested, status }, { amountMinor: 1, currency: 'EUR' })).toBe(
        'ALREADY_RECORDED',
      );
    },
  );
});
