import { AddOn } from '@app/contracts';
import { toSafeNumber } from '../money/money.columns';
import { Quote } from './quote';
import { PriceLine } from './quote-pricing';

// Published by quotes for the statements that read a quote together with its order (orders'
// repository: one statement, not one per table). The quotes feature owns this shape.

/**
 * A quotes row as node-postgres returns it (bigint and numeric as strings), its columns prefixed
 * `q_` so that it can share a row with another table's (an order read with its quote).
 */
export interface QuoteRow {
  q_id: string;
  q_account_id: string;
  q_region: string;
  q_license_ids: string[];
  q_add_ons: string[];
  q_currency: string;
  q_tax_inclusive: boolean;
  q_tax_rate_bps: string;
  q_lines: PriceLine[];
  q_subtotal_minor: string;
  q_tax_minor: string;
  q_total_minor: string;
  q_created_at: Date;
  q_expires_at: Date;
}

/** The select list of a `QuoteRow`, for the quotes table aliased `q`. */
export const QUOTE_COLUMNS = `q.id AS q_id, q.account_id AS q_account_id, q.region AS q_region,
  q.license_ids AS q_license_ids, q.add_ons AS q_add_ons, q.currency AS q_currency,
  q.tax_inclusive AS q_tax_inclusive, q.tax_rate_bps AS q_tax_rate_bps, q.lines AS q_lines,
  q.subtotal_minor AS q_subtotal_minor, q.tax_minor AS q_tax_minor, q.total_minor AS q_total_minor,
  q.created_at AS q_created_at, q.expires_at AS q_expires_at`;

/** The quote of a `QuoteRow`. */
export function toQuote(row: QuoteRow): Quote {
  return {
    id: row.q_id,
    accountId: row.q_account_id,
    region: row.q_region,
    licenseIds: row.q_license_ids,
    addOns: row.q_add_ons as AddOn[],
    currency: row.q_currency,
    taxInclusive: row.q_tax_inclusive,
    taxRateBps: Number(row.q_tax_rate_bps),
    lines: row.q_lines,
    subtotalMinor: toSafeNumber(row.q_subtotal_minor),
    taxMinor: toSafeNumber(row.q_tax_minor),
    totalMinor: toSafeNumber(row.q_total_minor),
    createdAt: row.q_created_at,
    expiresAt: row.q_expires_at,
  };
}
