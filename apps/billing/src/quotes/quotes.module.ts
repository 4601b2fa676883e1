import { Module } from '@nestjs/common';
import { FeesModule } from '../fees/fees.module';
import { CreateQuoteUsecase } from './create-quote.usecase';
import { QuoteRepository } from './quote.repository';
import { QuotesController } from './quotes.controller';

@Module({
  imports: [FeesModule],
  controllers: [QuotesController],
  providers: [QuoteRepository, CreateQuoteUsecase],
  exports: [QuoteRepository],
})
export class QuotesModule {}
