import { AddOn } from '@app/contracts';
import { Quote } from './quote';
import { PriceLine } from './quote-pricing';

export interface QuoteResponse {
  id: string;
  accountId: string;
  region: string;
  licenseIds: string[];
  addOns: AddOn[];
  lines: PriceLine[];
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  currency: string;
  taxInclusive: boolean;
  taxRateBps: number;
  createdAt: string;
  expiresAt: string;
}

export function toQuoteResponse(quote: Quote): QuoteResponse {
  return {
    id: quote.id,
    accountId: quote.accountId,
    region: quote.region,
    licenseIds: [...quote.licenseIds],
    addOns: [...quote.addOns],
    lines: quote.lines.map((line) => ({ ...line })),
    subtotalMinor: quote.subtotalMinor,
    taxMinor: quote.taxMinor,
    totalMinor: quote.totalMinor,
    currency: quote.currency,
    taxInclusive: quote.taxInclusive,
    taxRateBps: quote.taxRateBps,
    createdAt: quote.createdAt.toISOString(),
    expiresAt: quote.expiresAt.toISOString(),
  };
}
