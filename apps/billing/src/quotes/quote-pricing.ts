import { AddOn, AddOns } from '@app/contracts';
import { BillingError } from '../billing.error';
import { FeeSchedule } from '../fees/fee-schedule';
import { multiplyMinor, sumMinor, taxOf } from '../money/money';

export const QuoteLineCodes = {
  BaseFee: 'REACTIVATION_FEE',
  LicenseProcessing: 'LICENSE_PROCESSING',
} as const;

/** One line of an itemized quote. `amountMinor` is as priced: tax included when taxInclusive. */
export interface PriceLine {
  code: string;
  description: string;
  quantity: number;
  unitAmountMinor: number;
  amountMinor: number;
  taxMinor: number;
}

export interface PricedQuote {
  currency: string;
  taxInclusive: boolean;
  taxRateBps: number;
  lines: PriceLine[];
  /** Net of tax. */
  subtotalMinor: number;
  taxMinor: number;
  /** What the customer pays: subtotal + tax, exactly. */
  totalMinor: number;
}

const ADD_ON_DESCRIPTIONS: Record<AddOn, string> = {
  SCHEDULED_ACTIVATION: 'Scheduled activation in a change window',
  RENEWAL_REMINDERS: 'Renewal reminders',
};

/**
 * Prices a reactivation: the base fee, a processing fee per license, then each add-on, every line
 * taxed and rounded on its own. With inclusive prices the lines sum to the total and the subtotal
 * is what is left after tax; with exclusive prices the lines sum to the subtotal and tax is added.
 */
export function priceQuote(
  schedule: FeeSchedule,
  licenseCount: number,
  addOns: readonly AddOn[],
): PricedQuote {
  if (!Number.isInteger(licenseCount) || licenseCount < 1) {
    throw new RangeError('a quote covers at least one license');
  }
  const line = (
    code: string,
    description: string,
    quantity: number,
    unitAmountMinor: number,
  ): PriceLine => {
    const amountMinor = multiplyMinor(unitAmountMinor, quantity);
    return {
      code,
      description,
      quantity,
      unitAmountMinor,
      amountMinor,
      taxMinor: taxOf(amountMinor, schedule.taxRateBps, schedule.taxInclusive),
    };
  };

  const lines = [
    line(QuoteLineCodes.BaseFee, 'Service Reactivation Fee', 1, schedule.baseFeeMinor),
    line(
      QuoteLineCodes.LicenseProcessing,
      'License reinstatement processing',
      licenseCount,
      schedule.perLicenseFeeMinor,
    ),
  ];
  // Add-ons in the catalogue's order, so the same request always gives the same quote.
  for (const addOn of AddOns.filter((known) => addOns.includes(known))) {
    const price = schedule.addOnPricesMinor[addOn];
    if (price === undefined) {
      throw new BillingError(
        'ADD_ON_UNAVAILABLE',
        `${addOn} is not offered in region ${schedule.region}`,
      );
    }
    lines.push(line(addOn, ADD_ON_DESCRIPTIONS[addOn], 1, price));
  }

  const linesMinor = sumMinor(lines.map((l) => l.amountMinor));
  const taxMinor = sumMinor(lines.map((l) => l.taxMinor));
  const subtotalMinor = schedule.taxInclusive ? linesMinor - taxMinor : linesMinor;
  return {
    currency: schedule.currency,
    taxInclusive: schedule.taxInclusive,
    taxRateBps: schedule.taxRateBps,
    lines,
    subtotalMinor,
    taxMinor,
    totalMinor: subtotalMinor + taxMinor,
  };
}
