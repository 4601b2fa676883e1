/**
 * Failure classes of the messaging runtime. Transient failures are retried with backoff;
 * everything else is permanent and dead-lettered at once with its code and reason.
 */
export abstract class CodedError extends Error {
  abstract readonly code: string;
  /** Permanent unless a subclass says otherwise. */
  readonly transient: boolean = false;
}

/** A failure worth retrying (a dependency is briefly unavailable, a lock conflict, ...). */
export class TransientError extends Error {
  readonly transient = true;
  readonly code = 'TRANSIENT';
}

/** Why a record could not even be turned into an event. */
export type DecodeFailureCode =
  | 'NOT_JSON'
  | 'INVALID_ENVELOPE'
  | 'UNKNOWN_EVENT_TYPE'
  | 'WRONG_TOPIC'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_DATA'
  | 'UNAUTHENTICATED';

export class DecodeError extends CodedError {
  constructor(
    readonly code: DecodeFailureCode,
    message: string,
  ) {
    super(message);
  }
}

// PostgreSQL SQLSTATEs that mean "try again": serialization failure, deadlock, lock timeout,
// connection failures, admin shutdown / crash recovery, too many connections.
const TRANSIENT_SQLSTATES = new Set([
  '40001',
  '40P01',
  '55P03',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ((error as { transient?: unknown }).transient === true) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return true;
    if (TRANSIENT_NODE_CODES.has(code)) return true;
  }
  // node-postgres reports a dropped connection without a code.
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    error.message,
  );
}

export function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length <= 64 ? code : 'HANDLER_FAILED';
}
