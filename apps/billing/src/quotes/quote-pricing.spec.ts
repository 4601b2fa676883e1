import { BillingError } from '../billing.error';
import { FeeSchedule } from '../fees/fee-schedule';
import { priceQuote } from './quote-pricing';

const eu: FeeSchedule = {
  region: 'EU',
  currency: 'EUR',
  taxRateBps: 2100,
  taxInclusive: true,
  baseFeeMinor: 4900,
  perLicenseFeeMinor: 500,
  addOnPricesMinor: { SCHEDULED_ACTIVATION: 1500, RENEWAL_REMINDERS: 500 },
};
const us: FeeSchedule = {
  region: 'US',
  currency: 'USD',
  taxRateBps: 887.5,
  taxInclusive: false,
  baseFeeMinor: 5500,
  perLicenseFeeMinor: 550,
  addOnPricesMinor: { SCHEDULED_ACTIVATION: 1600 },
};
const jp: FeeSchedule = {
  region: 'JP',
  currency: 'JPY',
  taxRateBps: 1000,
  taxInclusive: false,
  baseFeeMinor: 7500,
  perLicenseFeeMinor: 805,
  addOnPricesMinor: {},
};

describe('priceQuote', () => {
  it('itemizes the base fee, one processing line for all licenses and each add-on', () => {
    const quote = priceQuote(eu, 3, ['RENEWAL_REMINDERS', 'SCHEDULED_ACTIVATION']);
    expect(quote.lines.map((l) => [l.code, l.quantity, l.unitAmountMinor, l.amountMinor])).toEqual([
      ['REACTIVATION_FEE', 1, 4900, 4900],
      ['LICENSE_PROCESSING', 3, 500, 1500],
      ['SCHEDULED_ACTIVATION', 1, 1500, 1500],
      ['RENEWAL_REMINDERS', 1, 500, 500],
    ]);
  });

  it('with inclusive VAT, the lines add up to the total and the tax is extracted per line', () => {
    const quote = priceQuote(eu, 1, []);
    // 4900 → tax 850 (net 4050), 500 → tax 87 (net 413.22 → 413)
    expect(quote.lines.map((l) => l.taxMinor)).toEqual([850, 87]);
    expect(quote.totalMinor).toBe(5400);
    expect(quote.taxMinor).toBe(937);
    expect(quote.subtotalMinor).toBe(4463);
    expect(quote.subtotalMinor + quote.taxMinor).toBe(quote.totalMinor);
  });

  it('with exclusive sales tax of 8.875 %, tax is added on top of each line, rounded half-up', () => {
    const quote = priceQuote(us, 2, ['SCHEDULED_ACTIVATION']);
    // 5500 → 488.125 → 488; 1100 → 97.625 → 98; 1600 → 142
    expect(quote.lines.map((l) => l.taxMinor)).toEqual([488, 98, 142]);
    expect(quote.subtotalMinor).toBe(8200);
    expect(quote.taxMinor).toBe(728);
    expect(quote.totalMinor).toBe(8928);
  });

  it('prices JPY in whole yen', () => {
    const quote = priceQuote(jp, 1, []);
    // 805 × 10 % = 80.5 → 81
    expect(quote.lines.map((l) => l.taxMinor)).toEqual([750, 81]);
    expect(quote.totalMinor).toBe(7500 + 805 + 831);
    expect(quote.currency).toBe('JPY');
  });

  it('refuses an add-on the region does not sell', () => {
    expect(() => priceQuote(jp, 1, ['SCHEDULED_ACTIVATION'])).toThrow(BillingError);
  });

  it('gives the same quote whatever the order of the add-ons', () => {
    expect(priceQuote(eu, 2, ['RENEWAL_REMINDERS', 'SCHEDULED_ACTIVATION'])).toEqual(
      priceQuote(eu, 2, ['SCHEDULED_ACTIVATION', 'RENEWAL_REMINDERS']),
    );
  });
});
