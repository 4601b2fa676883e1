import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { RefundIssuer } from './refund-issuer';
import { RefundOrderUsecase } from './refund-order.usecase';
import { RefundRepository } from './refund.repository';
import { RefundsHandler } from './refunds.handler';
import { SettleRefundUsecase } from './settle-refund.usecase';

@Module({
  imports: [OrdersModule],
  controllers: [RefundsHandler],
  providers: [RefundRepository, RefundIssuer, RefundOrderUsecase, SettleRefundUsecase],
  exports: [RefundRepository, RefundIssuer],
})
export class RefundsModule {}
