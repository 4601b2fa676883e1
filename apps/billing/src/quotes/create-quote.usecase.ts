import { AddOn } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BillingEnvironment } from '../billing.config';
import { BillingError } from '../billing.error';
import { FeesPort } from '../fees/fees.port';
import { Quote } from './quote';
import { priceQuote } from './quote-pricing';
import { QuoteRepository } from './quote.repository';

export interface CreateQuoteCommand {
  accountId: string;
  region: string;
  licenseIds: string[];
  addOns: AddOn[];
}

/** Prices a reactivation with the region's schedule and locks that price for QUOTE_TTL_SECONDS. */
@Injectable()
export class CreateQuoteUsecase {
  constructor(
    private readonly fees: FeesPort,
    private readonly quotes: QuoteRepository,
    private readonly env: BillingEnvironment,
  ) {}

  async execute(command: CreateQuoteCommand, tx: Transaction): Promise<Quote> {
    const schedule = await this.fees.scheduleFor(tx.manager, command.region);
    if (!schedule) {
      throw new BillingError('REGION_UNSUPPORTED', `no fee schedule for region ${command.region}`);
    }
    const addOns = [...new Set(command.addOns)];
    const quote: Quote = {
      id: randomUUID(),
      accountId: command.accountId,
      region: schedule.region,
      licenseIds: command.licenseIds,
      addOns,
      ...priceQuote(schedule, command.licenseIds.length, addOns),
      createdAt: tx.now,
      expiresAt: new Date(tx.now.getTime() + this.env.QUOTE_TTL_SECONDS * 1000),
    };
    await this.quotes.insert(tx.manager, quote);
    return quote;
  }
}
