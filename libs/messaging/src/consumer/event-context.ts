import { Transaction } from '../transaction/transaction';

/** Where a record came from. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
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
