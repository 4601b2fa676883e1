import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { OrderRepository } from './order.repository';

/**
 * Unpaid orders past their payment deadline become EXPIRED: nothing was paid, so nothing is
 * refunded or announced; a payment arriving later is rejected (QUOTE_EXPIRED) and refunded.
 */
@Injectable()
export class ExpireUnpaidOrdersUsecase {
  static readonly BATCH = 500;

  constructor(private readonly orders: OrderRepository) {}

  execute(tx: Transaction): Promise<number> {
    return this.orders.expireUnpaid(tx.manager, tx.now, ExpireUnpaidOrdersUsecase.BATCH);
  }
}
