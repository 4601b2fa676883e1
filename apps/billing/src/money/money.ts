/**
 * Money in integer minor units of an ISO 4217 currency. The arithmetic is exact (bigint inside),
 * rounding is half-up and happens once per line, so a subtotal plus its tax is the total exactly.
 */

/** ISO 4217 minor-unit exponents of the currencies billing prices in. */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  EUR: 2,
  GBP: 2,
  USD: 2,
  JPY: 0,
});

export interface Money {
  amountMinor: number;
  currency: string;
}

export class MoneyError extends Error {}

// Rates are basis points with up to two decimals (US sales tax 8.875 % is 887.5 bps), so the
// exact arithmetic works in parts per million.
const PPM_PER_UNIT = 1_000_000n;

export function exponentOf(currency: string): number {
  const exponent = CURRENCY_EXPONENTS[currency];
  if (exponent === undefined) throw new MoneyError(`unknown currency ${currency}`);
  return exponent;
}

/** "49.00" EUR → 4900, "7500" JPY → 7500; refuses more decimals than the currency has. */
export function toMinor(major: string, currency: string): number {
  const exponent = exponentOf(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(major);
  if (!match || (match[2] ?? '').length > exponent) {
    throw new MoneyError(`"${major}" is not an amount of ${currency}`);
  }
  const fraction = (match[2] ?? '').padEnd(exponent, '0');
  return checked(BigInt(match[1] + fraction));
}

/** numerator / denominator rounded half-up (both non-negative). */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n)
    throw new MoneyError('divideHalfUp takes non-negative values');
  return (2n * numerator + denominator) / (2n * denominator);
}

/** Tax added on top of a tax-exclusive amount: round(amount × rate). */
export function exclusiveTax(amountMinor: number, rateBps: number): number {
  return checked(divideHalfUp(minor(amountMinor) * ppm(rateBps), PPM_PER_UNIT));
}

/** Tax contained in a tax-inclusive amount: amount − round(amount / (1 + rate)). */
export function inclusiveTax(amountMinor: number, rateBps: number): number {
  const amount = minor(amountMinor);
  const net = divideHalfUp(amount * PPM_PER_UNIT, PPM_PER_UNIT + ppm(rateBps));
  return checked(amount - net);
}

export function taxOf(amountMinor: number, rateBps: number, taxInclusive: boolean): number {
  return taxInclusive ? inclusiveTax(amountMinor, rateBps) : exclusiveTax(amountMinor, rateBps);
}

export function multiplyMinor(unitAmountMinor: number, quantity: number): number {
  return checked(minor(unitAmountMinor) * minor(quantity));
}

export function sumMinor(amounts: readonly number[]): number {
  return checked(amounts.reduce((total, amount) => total + minor(amount), 0n));
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.amountMinor === b.amountMinor;
}

function minor(value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MoneyError(`${value} is not a non-negative integer amount of minor units`);
  }
  return BigInt(value);
}

/** Basis points (at most two decimals) → parts per million. */
export function ppm(rateBps: number): bigint {
  const hundredths = Math.round(rateBps * 100);
  if (!(rateBps >= 0 && rateBps <= 100_000) || Math.abs(rateBps * 100 - hundredths) > 1e-6) {
    throw new MoneyError(`${rateBps} is not a tax rate in basis points (two decimals at most)`);
  }
  return BigInt(hundredths);
}

function checked(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError('amount too large');
  return Number(value);
}
