import { AddOn } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Quote } from './quote';
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
    const row = await manager.findOne(QuoteEntity, { where: { id } });
    return row ? toQuote(row) : undefined;
  }
}

function toQuote(row: QuoteEntity): Quote {
  return {
    id: row.id,
    accountId: row.accountId,
    region: row.region,
    licenseIds: row.licenseIds,
    addOns: row.addOns as AddOn[],
    currency: row.currency,
    taxInclusive: row.taxInclusive,
    taxRateBps: row.taxRateBps,
    lines: row.lines,
    subtotalMinor: row.subtotalMinor,
    taxMinor: row.taxMinor,
    totalMinor: row.totalMinor,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}
