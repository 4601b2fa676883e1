import { AddOn } from '@app/contracts';
import { exponentOf } from '../money/money';
import { FeeSchedule } from './fee-schedule';

export interface FeeScheduleResponse {
  region: string;
  currency: string;
  currencyExponent: number;
  taxRateBps: number;
  taxInclusive: boolean;
  baseFeeMinor: number;
  perLicenseFeeMinor: number;
  addOns: { code: AddOn; priceMinor: number }[];
}

export function toFeeScheduleResponse(schedule: FeeSchedule): FeeScheduleResponse {
  return {
    region: schedule.region,
    currency: schedule.currency,
    currencyExponent: exponentOf(schedule.currency),
    taxRateBps: schedule.taxRateBps,
    taxInclusive: schedule.taxInclusive,
    baseFeeMinor: schedule.baseFeeMinor,
    perLicenseFeeMinor: schedule.perLicenseFeeMinor,
    addOns: (Object.entries(schedule.addOnPricesMinor) as [AddOn, number][]).map(
      ([code, priceMinor]) => ({ code, priceMinor }),
    ),
  };
}
