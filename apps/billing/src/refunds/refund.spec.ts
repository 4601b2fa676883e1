import { ID_PATTERN } from '@app/contracts';
import { refundIdFor } from './refund';

describe('refundIdFor', () => {
  it('is the same for the same payment, and differs between payments', () => {
    expect(refundIdFor('pay-1')).toBe('rf-pay-1');
    expect(refundIdFor('pay-1')).toBe(refundIdFor('pay-1'));
    expect(refundIdFor('pay-1')).not.toBe(refundIdFor('pay-2'));
  });

  it('stays a valid id for the longest payment ids', () => {
    const longest = 'p'.repeat(64);
    const other = 'p'.repeat(63) + 'q';
    expect(refundIdFor(longest)).toMatch(ID_PATTERN);
    expect(refundIdFor(longest)).not.toBe(refundIdFor(other));
  });
});
