import { ReceiptDto } from '@app/contracts';
import { Quote } from '../quotes/quote';

/** The receipt is the quote that was paid, line for line. */
export function toReceipt(quote: Quote): ReceiptDto {
  return {
    lines: quote.lines.map((line) => ({
      code: line.code,
      description: line.description,
      quantity: line.quantity,
      unitAmountMinor: line.unitAmountMinor,
      amountMinor: line.amountMinor,
      taxMinor: line.taxMinor,
    })),
    subtotalMinor: quote.subtotalMinor,
    taxMinor: quote.taxMinor,
    totalMinor: quote.totalMinor,
    currency: quote.currency,
    taxInclusive: quote.taxInclusive,
    taxRateBps: quote.taxRateBps,
  };
}
