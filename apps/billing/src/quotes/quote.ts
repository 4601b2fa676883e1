import { AddOn } from '@app/contracts';
import { PricedQuote } from './quote-pricing';

/** A quote as the rest of billing sees it. */
export interface Quote extends PricedQuote {
  id: string;
  accountId: string;
  region: string;
  licenseIds: string[];
  addOns: AddOn[];
  createdAt: Date;
  expiresAt: Date;
}

export function isQuoteExpired(quote: Pick<Quote, 'expiresAt'>, now: Date): boolean {
  return now.getTime() >= quote.expiresAt.getTime();
}
