import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Quote } from './quote';
import { QUOTE_COLUMNS, QuoteRow, toQuote } from './quote.columns';
import { QuoteEntity } from './quote.entity';

@Injectable()
export class QuoteRepository {
  async insert(manager: EntityManager, quote: Quote): Promise<void> {
    await manager.insert(QuoteEntity, {
      id: quote.id,
      accountId: quote.accountId,
      region: quote.region,
      licenseIds: quote.licenseIds,
      addOns: quote.addOns,
      currency: quote.currency,
      taxInclusive: quote.taxInclusive,
      taxRateBps: quote.taxRateBps,
      lines: quote.lines,
      subtotalMinor: quote.subtotalMinor,
      taxMinor: quote.taxMinor,
      totalMinor: quote.totalMinor,
      createdAt: quote.createdAt,
      expiresAt: quote.expiresAt,
    });
  }

  async findById(manager: EntityManager, id: string): Promise<Quote | undefined> {
    const rows: QuoteRow[] = await manager.query(
      `SELECT ${QUOTE_COLUMNS} FROM quotes q WHERE q.id = $1`,
      [id],
    );
    return rows.length === 1 ? toQuote(rows[0]) : undefined;
  }
}
