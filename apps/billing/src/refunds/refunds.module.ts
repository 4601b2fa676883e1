import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { QuotesModule } from '../quotes/quotes.module';
import { RefundOrderUsecase } from './refund-order.usecase';
import { RefundRepository } from './refund.repository';
import { RefundsHandler } from './refunds.handler';
import { RefundsPort } from './refunds.port';
import { SettleRefundUsecase } from './settle-refund.usecase';

@Module({
  imports: [OrdersModule, QuotesModule],
  controllers: [RefundsHandler],
  providers: [RefundRepository, RefundsPort, RefundOrderUsecase, SettleRefundUsecase],
  exports: [RefundsPort],
})
export class RefundsModule {}
