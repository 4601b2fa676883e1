import { CloudEvent, EventContract } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { AccountScoped, createEvent, EventOrigin } from '../envelope/event-factory';
import { CLOUDEVENTS_CONTENT_TYPE, OutboxMessage } from '../outbox/outbox-message';

/**
 * One database transaction of a use case: its entity manager, and the events it publishes.
 * Published events are written to the outbox when the transaction commits, never sent directly:
 * either the state change and its events are both committed, or neither is.
 */
export class Transaction {
  /** One clock reading per transaction, so every row and event of it agrees on "now". */
  readonly now: Date;
  private readonly messages: OutboxMessage[] = [];

  constructor(
    readonly manager: EntityManager,
    private readonly origin: EventOrigin,
    now = new Date(),
    /**
     * True when the messaging runtime handles this event alone, again, because the transaction
     * of its chunk failed for good: a handler that contains an error of its own (a savepoint
     * rolled back to, the event then failed as a rule) need only contain it here. On a first
     * attempt such an error fails the whole transaction, which is what brings the event here.
     */
    readonly retriedAlone = false,
  ) {
    this.now = now;
  }

  /** The event being handled, when this transaction handles one. */
  get cause(): CloudEvent | undefined {
    return this.origin.cause;
  }

  publish<C extends EventContract>(
    contract: C,
    data: InstanceType<C> & AccountScoped,
    options: { correlationId?: string } = {},
  ): CloudEvent<InstanceType<C>> {
    const event = createEvent(
      contract,
      data,
      { ...this.origin, correlationId: options.correlationId ?? this.origin.correlationId },
      this.now,
    );
    this.messages.push({
      topic: contract.topic,
      key: data.accountId,
      payload: Buffer.from(JSON.stringify(event)),
      headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
      eventType: contract.type,
    });
    return event;
  }

  /** Queues a raw message (dead letters keep the original bytes and headers). */
  enqueueRaw(message: OutboxMessage): void {
    this.messages.push(message);
  }

  /** @internal the runtime writes these just before commit. */
  takeMessages(): OutboxMessage[] {
    return this.messages.splice(0, this.messages.length);
  }
}
