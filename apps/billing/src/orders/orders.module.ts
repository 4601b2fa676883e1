import { Module } from '@nestjs/common';
import { QuotesModule } from '../quotes/quotes.module';
import { CreateOrderUsecase } from './create-order.usecase';
import { ExpireUnpaidOrdersUsecase } from './expire-unpaid-orders.usecase';
import { OrderExpiryScheduler } from './order-expiry.scheduler';
import { OrderRepository } from './order.repository';
import { OrdersController } from './orders.controller';
import { OrdersPort } from './orders.port';

@Module({
  imports: [QuotesModule],
  controllers: [OrdersController],
  providers: [
    OrderRepository,
    OrdersPort,
    CreateOrderUsecase,
    ExpireUnpaidOrdersUsecase,
    OrderExpiryScheduler,
  ],
  exports: [OrdersPort],
})
export class OrdersModule {}
