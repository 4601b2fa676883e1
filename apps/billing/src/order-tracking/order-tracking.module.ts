import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { PaymentsModule } from '../payments/payments.module';
import { QuotesModule } from '../quotes/quotes.module';
import { RefundsModule } from '../refunds/refunds.module';
import { GetOrderUsecase } from './get-order.usecase';
import { OrderTrackingController } from './order-tracking.controller';

/** The read side of an order (GET /orders/:id): joins what orders, quotes, payments and refunds hold. */
@Module({
  imports: [OrdersModule, QuotesModule, PaymentsModule, RefundsModule],
  controllers: [OrderTrackingController],
  providers: [GetOrderUsecase],
})
export class OrderTrackingModule {}
