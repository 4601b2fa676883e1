import { UnitOfWork } from '@app/messaging';
import { Sweeper } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { BillingEnvironment } from '../billing.config';
import { ExpireUnpaidOrdersUsecase } from './expire-unpaid-orders.usecase';

/** Runs the payment-deadline sweep every ORDER_EXPIRY_SWEEP_MS (state lives in the table). */
@Injectable()
export class OrderExpiryScheduler extends Sweeper {
  private readonly logger = new Logger(OrderExpiryScheduler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly expireUnpaidOrders: ExpireUnpaidOrdersUsecase,
    env: BillingEnvironment,
  ) {
    super(OrderExpiryScheduler.name, env.ORDER_EXPIRY_SWEEP_MS);
  }

  protected async sweep(): Promise<void> {
    let expired: number;
    do {
      expired = await this.uow.run({ correlationId: 'order-expiry' }, (tx) =>
        this.expireUnpaidOrders.execute(tx),
      );
      if (expired > 0)
        this.logger.log(`expired ${expired} unpaid orders past their payment deadline`);
    } while (expired === ExpireUnpaidOrdersUsecase.BATCH && !this.stopping);
  }
}
