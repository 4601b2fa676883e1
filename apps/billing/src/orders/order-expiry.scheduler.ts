import { UnitOfWork } from '@app/messaging';
import { PeriodicTask } from '@app/platform';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BillingEnvironment } from '../billing.config';
import { ExpireUnpaidOrdersUsecase } from './expire-unpaid-orders.usecase';

/** Runs the payment-deadline sweep every ORDER_EXPIRY_SWEEP_SECONDS (state lives in the table). */
@Injectable()
export class OrderExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderExpiryScheduler.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly expireUnpaidOrders: ExpireUnpaidOrdersUsecase,
    env: BillingEnvironment,
  ) {
    this.task = new PeriodicTask(
      OrderExpiryScheduler.name,
      env.ORDER_EXPIRY_SWEEP_SECONDS * 1000,
      () => this.sweep(),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async sweep(): Promise<void> {
    let expired: number;
    do {
      expired = await this.uow.run({ correlationId: 'order-expiry' }, (tx) =>
        this.expireUnpaidOrders.execute(tx),
      );
      if (expired > 0)
        this.logger.log(`expired ${expired} unpaid orders past their payment deadline`);
    } while (expired === ExpireUnpaidOrdersUsecase.BATCH && !this.task.stopping);
  }
}
