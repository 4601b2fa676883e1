import { bigintToNumber } from './bigint.transformer';

describe('bigintToNumber', () => {
  it('reads a bigint column as a number, and null as null', () => {
    expect(bigintToNumber.from('7400')).toBe(7400);
    expect(bigintToNumber.from('-12')).toBe(-12);
    expect(bigintToNumber.from(null)).toBeNull();
  });

  it('refuses a value a JS number would round', () => {
    expect(() => bigintToNumber.from('9007199254740993')).toThrow(/safe JavaScript integer/);
  });
});
