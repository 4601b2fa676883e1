import { CodedError } from '@app/messaging';

/** Stable codes of billing's failures (HTTP answers and dead letters carry them). */
export type BillingErrorCode =
  | 'REGION_UNSUPPORTED'
  | 'ADD_ON_UNAVAILABLE'
  | 'QUOTE_NOT_FOUND'
  | 'QUOTE_EXPIRED'
  | 'ORDER_EXISTS_FOR_QUOTE'
  | 'CHANGE_WINDOW_REQUIRED'
  | 'CHANGE_WINDOW_NOT_ALLOWED'
  | 'CHANGE_WINDOW_INVALID'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_ACCOUNT_MISMATCH'
  | 'ORDER_NOT_PAID'
  | 'ORDER_ALREADY_FULFILLED'
  | 'ORDER_NOT_FULFILLABLE'
  | 'REFUND_NOT_FOUND'
  | 'REFUND_AMOUNT_MISMATCH';

/** A permanent failure in billing: an HTTP 4xx, or a dead letter when it happens in a handler. */
export class BillingError extends CodedError {
  constructor(
    readonly code: BillingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BillingError';
  }
}
