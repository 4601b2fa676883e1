import {
  divideHalfUp,
  exclusiveTax,
  inclusiveTax,
  MoneyError,
  multiplyMinor,
  sumMinor,
  taxOf,
  toMinor,
} from './money';

describe('money', () => {
  describe('rounding half-up', () => {
    it('rounds exact halves up and everything else to the nearest unit', () => {
      expect(divideHalfUp(5n, 10n)).toBe(1n); // 0.5 → 1
      expect(divideHalfUp(4n, 10n)).toBe(0n); // 0.4 → 0
      expect(divideHalfUp(15n, 10n)).toBe(2n); // 1.5 → 2
      expect(divideHalfUp(25n, 10n)).toBe(3n); // 2.5 → 3 (not banker's 2)
      expect(divideHalfUp(149n, 100n)).toBe(1n);
    });
  });

  describe('exclusive tax = round(amount × rate)', () => {
    it('computes US sales tax of 8.875 % (887.5 bps) on cents, rounding half-up', () => {
      expect(exclusiveTax(5500, 887.5)).toBe(488); // 488.125
      expect(exclusiveTax(1000, 887.5)).toBe(89); // 88.75
      expect(exclusiveTax(400, 887.5)).toBe(36); // exactly 35.5 → 36
    });

    it('rounds a tax of exactly half a minor unit up, and just below half down', () => {
      expect(exclusiveTax(200, 25)).toBe(1); // 0.5
      expect(exclusiveTax(199, 25)).toBe(0); // 0.4975
    });

    it('handles JPY, a currency without minor units', () => {
      expect(exclusiveTax(7500, 1000)).toBe(750);
      expect(exclusiveTax(805, 1000)).toBe(81); // 80.5 → 81
    });

    it('refuses a rate finer than a hundredth of a basis point', () => {
      expect(() => exclusiveTax(100, 887.555)).toThrow(MoneyError);
    });
  });

  describe('inclusive tax = amount − round(amount / (1 + rate))', () => {
    it('extracts 21 % VAT from a gross EUR amount', () => {
      expect(inclusiveTax(4900, 2100)).toBe(850); // net 4049.59 → 4050, tax 850
      expect(inclusiveTax(121, 2100)).toBe(21); // net exactly 100
    });

    it('extracts 20 % VAT from a gross GBP amount with a half-unit net rounded up', () => {
      // 3 / 1.2 = 2.5 → net 3, tax 0
      expect(inclusiveTax(3, 2000)).toBe(0);
      expect(inclusiveTax(4200, 2000)).toBe(700);
    });
  });

  it('chooses inclusive or exclusive tax', () => {
    expect(taxOf(4900, 2100, true)).toBe(850);
    expect(taxOf(4900, 2100, false)).toBe(1029);
  });

  it('sums and multiplies exactly', () => {
    expect(sumMinor([1, 2, 3])).toBe(6);
    expect(sumMinor([])).toBe(0);
    expect(multiplyMinor(550, 3)).toBe(1650);
  });

  it('converts major amounts with the currency exponent, never a fixed ×100', () => {
    expect(toMinor('49.00', 'EUR')).toBe(4900);
    expect(toMinor('49.5', 'USD')).toBe(4950);
    expect(toMinor('7500', 'JPY')).toBe(7500);
    expect(() => toMinor('75.5', 'JPY')).toThrow(MoneyError);
    expect(() => toMinor('1.00', 'XXX')).toThrow(MoneyError);
  });

  it('refuses negative or fractional minor amounts', () => {
    expect(() => exclusiveTax(-1, 100)).toThrow(MoneyError);
    expect(() => sumMinor([1.5])).toThrow(MoneyError);
  });
});
