import { CloudEvent } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { Transaction } from '../transaction/transaction';

/** Where a record came from. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /**
   * When the broker appended the record (its timestamp; topics whose freshness matters use
   * `message.timestamp.type=LogAppendTime`, so the producer cannot choose it). The reliability
   * work carries the original's through dead-letter and redrive.
   */
  appendedAt: Date;
}

/**
 * The second argument of every event handler (`@Ctx()`): the database transaction in which the
 * handler, its inbox record and its outgoing events are committed together.
 */
export class EventContext {
  constructor(
    readonly tx: Transaction,
    readonly record: RecordOrigin,
  ) {}
}

/** One event of a batch, with the transaction its outgoing events are published from. */
export interface BatchedEvent<T = object> {
  readonly event: CloudEvent<T>;
  /** Shares the batch's manager and clock; publishing here makes the event the cause. */
  readonly tx: Transaction;
  readonly record: RecordOrigin;
}

/**
 * The argument of a batch handler (`@OnEvents`): consecutive events of one type from one chunk,
 * in order, and the chunk's transaction (its manager and one clock reading).
 */
export class EventBatch<T = object> {
  constructor(
    readonly manager: EntityManager,
    readonly now: Date,
    readonly items: readonly BatchedEvent<T>[],
  ) {}
}
