import { OrderFulfilled } from '@app/contracts';
import { Transaction, TransientError } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { BillingError } from '../billing.error';
import { OrdersPort } from '../orders/orders.port';
import { toReceipt } from './receipt';

export interface FulfilOrderCommand {
  orderId: string;
  accountId: string;
}

/** Licensing restored the order's licenses: the order is FULFILLED and its receipt sent out. */
@Injectable()
export class FulfilOrderUsecase {
  constructor(private readonly orders: OrdersPort) {}

  /**
   * Several restorations at once (a run of events in one transaction, each with its own `tx` to
   * publish from, all sharing one manager and clock): the usual case, every listed PAID order
   * becoming FULFILLED, is one statement for all of them.
   */
  async executeAll(commands: { command: FulfilOrderCommand; tx: Transaction }[]): Promise<void> {
    if (commands.length === 0) return;
    const { manager, now } = commands[0].tx;
    const fulfilled = await this.orders.fulfilPaid(
      manager,
      commands.map(({ command }) => command),
      now,
    );
    for (const { command, tx } of commands) {
      const quote = fulfilled.get(command.orderId);
      // Taken, so that the same order restored twice in the run is fulfilled (and published) once.
      fulfilled.delete(command.orderId);
      if (!quote) {
        await this.notFulfilled(command, tx);
        continue;
      }
      tx.publish(
        OrderFulfilled,
        {
          orderId: command.orderId,
          accountId: command.accountId,
          receipt: toReceipt(quote),
          fulfilledAt: tx.now.toISOString(),
        },
        { correlationId: command.orderId },
      );
    }
  }

  /** Why the order was not PAID: fulfilled already (a redelivery: nothing to do), or an error. */
  private async notFulfilled(command: FulfilOrderCommand, tx: Transaction): Promise<void> {
    const order = await this.orders.lock(tx.manager, command.orderId);
    if (!order)
      throw new BillingError('ORDER_NOT_FOUND', `order ${command.orderId} does not exist`);
    if (order.accountId !== command.accountId) {
      throw new BillingError(
        'ORDER_ACCOUNT_MISMATCH',
        `order ${order.id} is not of account ${command.accountId}`,
      );
    }
    if (order.status === 'FULFILLED') return;
    if (order.status !== 'PAID') {
      // Restored while being refunded (or never paid): a human must reconcile, so dead-letter it.
      throw new BillingError(
        'ORDER_NOT_FULFILLABLE',
        `order ${order.id} is ${order.status}, not PAID`,
      );
    }
    throw new TransientError(`order ${order.id} changed while being fulfilled`);
  }
}
