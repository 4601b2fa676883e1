import { CodedError } from '@app/messaging';

export type LicensingErrorCode =
  | 'INVALID_ACCOUNT'
  | 'ACCOUNT_NOT_FOUND'
  | 'REACTIVATION_NOT_FOUND'
  | 'LICENSE_OWNED_BY_ANOTHER_ACCOUNT'
  | 'CONTRACT_OWNED_BY_ANOTHER_ACCOUNT'
  | 'HOLD_OWNED_BY_ANOTHER_ACCOUNT'
  /** A reinstatement changed a contract's baseline terms: a bug, never committed. */
  | 'CONTRACT_TERMS_ALTERED'
  /** A row locked by this transaction was not in the state just read: a bug, never committed. */
  | 'REGISTRY_INCONSISTENT';

/** Licensing's failures, each with a stable code (HTTP status or dead-letter reason). */
export class LicensingError extends CodedError {
  constructor(
    readonly code: LicensingErrorCode,
    message: string,
    /** Every problem found, for a 400 that lists them all. */
    readonly reasons: string[] = [message],
  ) {
    super(message);
    this.name = 'LicensingError';
  }

  /** What an HTTP answer lists beside the message (the platform's error filter reads it). */
  get details(): Record<string, unknown> {
    return { problems: this.reasons };
  }
}
