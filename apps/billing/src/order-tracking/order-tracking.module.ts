import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { PaymentsModule } from '../payments/payments.module';
import { RefundsModule } from '../refunds/refunds.module';
import { GetOrderUsecase } from './get-order.usecase';
import { OrderTrackingController } from './order-tracking.controller';

/** The read side of an order (GET /orders/:id): joins what orders, payments and refunds hold. */
@Module({
  imports: [OrdersModule, PaymentsModule, RefundsModule],
  controllers: [OrderTrackingController],
  providers: [GetOrderUsecase],
})
export class OrderTrackingModule {}
