import { DataSource } from 'typeorm';
import { EventOrigin } from '../envelope/event-factory';
import { OutboxRelay } from '../outbox/outbox.relay';
import { writeOutbox } from '../outbox/outbox.writer';
import { MessagingOptions } from '../kafka/messaging.config';
import { Transaction } from './transaction';

/**
 * Runs work in one database transaction with an outbox: state and outgoing events commit together,
 * then the relay is woken to publish them at once.
 */
export class UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly options: MessagingOptions,
  ) {}

  /** For HTTP actions and schedulers: `correlationId` is the saga's id (the orderId). */
  async run<T>(
    origin: Omit<EventOrigin, 'source'>,
    work: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    const result = await this.dataSource.transaction(async (manager) => {
      const tx = new Transaction(manager, { source: this.options.source, ...origin });
      const value = await work(tx);
      await writeOutbox(manager, tx.takeMessages());
      return value;
    });
    this.relay.wake();
    return result;
  }
}
