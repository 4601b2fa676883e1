import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Quote } from './quote';
import { QuoteRepository } from './quote.repository';

/** Quotes as other features see them: the locked price an order is placed from and refunded at. */
@Injectable()
export class QuotesPort {
  constructor(private readonly quotes: QuoteRepository) {}

  find(manager: EntityManager, quoteId: string): Promise<Quote | undefined> {
    return this.quotes.findById(manager, quoteId);
  }
}
