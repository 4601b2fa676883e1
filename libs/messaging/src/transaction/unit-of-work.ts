import { DataSource } from 'typeorm';
import { EventOrigin } from '../envelope/event-factory';
import { OutboxRelay } from '../outbox/outbox.relay';
import { outboxWrite } from '../outbox/outbox.writer';
import { pipelinedTransaction } from '../persistence/pipelined-transaction';
import { MessagingOptions } from '../kafka/messaging.config';
import { RetryPolicy } from '../retry/retry-policy';
import { Transaction } from './transaction';

/**
 * Runs work in one database transaction with an outbox: state and outgoing events commit together,
 * then the relay publishes them at once (its drain sent behind the COMMIT, or woken).
 */
export class UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly options: MessagingOptions,
    private readonly retryPolicy = new RetryPolicy(),
  ) {}

  /**
   * For HTTP actions and schedulers: `correlationId` is the saga's id (the orderId). With
   * `attempts` > 1 a transaction that fails transiently (a deadlock, a dropped connection; the
   * runtime's one classifier decides) is run again from the start after the runtime's backoff,
   * as the consumer does with its chunks: `work` must do nothing
   * outside the transaction that a second run would repeat.
   */
  async run<T>(
    origin: Omit<EventOrigin, 'source'>,
    work: (tx: Transaction) => Promise<T>,
    options: { attempts?: number } = {},
  ): Promise<T> {
    return this.retryPolicy.withMaxAttempts(options.attempts ?? 1).run(async () => {
      const publication = this.relay.publication();
      const { value } = await pipelinedTransaction(
        this.dataSource,
        async (manager) => {
          const tx = new Transaction(manager, { source: this.options.source, ...origin });
          return { value: await work(tx), messages: tx.takeMessages() };
        },
        ({ messages }) => outboxWrite(messages),
        publication.followOn,
      );
      publication.wake();
      return value;
    });
  }
}
