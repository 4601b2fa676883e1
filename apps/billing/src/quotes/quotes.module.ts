import { Module } from '@nestjs/common';
import { FeesModule } from '../fees/fees.module';
import { CreateQuoteUsecase } from './create-quote.usecase';
import { QuoteRepository } from './quote.repository';
import { QuotesController } from './quotes.controller';
import { QuotesPort } from './quotes.port';

@Module({
  imports: [FeesModule],
  controllers: [QuotesController],
  providers: [QuoteRepository, QuotesPort, CreateQuoteUsecase],
  exports: [QuotesPort],
})
export class QuotesModule {}
