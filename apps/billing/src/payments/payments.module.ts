import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { RefundsModule } from '../refunds/refunds.module';
import { PaymentRepository } from './payment.repository';
import { PaymentsHandler } from './payments.handler';
import { PaymentsPort } from './payments.port';
import { RecordCapturedPaymentUsecase } from './record-captured-payment.usecase';
import { RecordFailedPaymentUsecase } from './record-failed-payment.usecase';

@Module({
  imports: [OrdersModule, RefundsModule],
  controllers: [PaymentsHandler],
  providers: [
    PaymentRepository,
    PaymentsPort,
    RecordCapturedPaymentUsecase,
    RecordFailedPaymentUsecase,
  ],
  exports: [PaymentsPort],
})
export class PaymentsModule {}
