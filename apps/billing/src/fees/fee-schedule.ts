import { AddOn } from '@app/contracts';

/** A region's price list: what a reactivation costs there, in its currency, and how it is taxed. */
export interface FeeSchedule {
  region: string;
  currency: string;
  /** Basis points, up to two decimals (887.5 = 8.875 %). */
  taxRateBps: number;
  /** Whether the prices below already include the tax (EU/UK VAT) or it is added (US/JP). */
  taxInclusive: boolean;
  baseFeeMinor: number;
  perLicenseFeeMinor: number;
  /** Price of each add-on offered in the region (an add-on missing here is not sold there). */
  addOnPricesMinor: Partial<Record<AddOn, number>>;
}
