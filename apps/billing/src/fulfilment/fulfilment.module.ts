import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { FulfilOrderUsecase } from './fulfil-order.usecase';
import { FulfilmentHandler } from './fulfilment.handler';

@Module({
  imports: [OrdersModule],
  controllers: [FulfilmentHandler],
  providers: [FulfilOrderUsecase],
})
export class FulfilmentModule {}
