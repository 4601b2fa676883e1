import { CodedError } from '@app/messaging';

export type NotificationsErrorCode =
  | 'REACTIVATION_NOT_FOUND'
  /** The support roster is empty: nobody can be named to the customer (seed missing). */
  | 'ROSTER_EMPTY';

/** Notifications' failures, each with a stable code (HTTP status or dead-letter reason). */
export class NotificationsError extends CodedError {
  constructor(
    readonly code: NotificationsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NotificationsError';
  }
}
