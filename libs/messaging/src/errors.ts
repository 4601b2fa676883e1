/**
 * Failure classes of the messaging runtime, and the one classifier that decides what a failure
 * gets (`classifyFailure`): the consumer, the dead-letter writer and `UnitOfWork` all ask it.
 */
export abstract class CodedError extends Error {
  abstract readonly code: string;
  /** Permanent unless a subclass says otherwise. */
  readonly transient: boolean = false;
}

/**
 * A handler's way to say "not this record's fault, try again": a concurrent change it lost to, a
 * dependency briefly away. It is retried with backoff like an infrastructure failure, for as long
 * as it lasts, and never dead-lettered: a record that makes its handler throw this forever holds
 * its partition (visible in the retries metric, the warning logged per retry, lag and readiness).
 * A handler that knows the record itself is wrong throws a permanent (coded) error instead.
 */
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
  | 'WRONG_PRODUCER'
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

/**
 * What a failure gets:
 * - `retry`: nobody's record is at fault (the database or broker is down, overloaded, a lock or
 *   serialization conflict, a pool timeout) or the handler said so (TransientError). Retried with
 *   backoff until it heals; the consumer holds the partition meanwhile and never dead-letters it.
 * - `permanent`: the record's own fault (it does not decode or validate, or its handler refused
 *   it): dead-lettered at once with its code and reason.
 */
export type FailureClass = 'retry' | 'permanent';

/**
 * PostgreSQL SQLSTATEs and classes that are the infrastructure's fault, not the statement's:
 * 08 connection exceptions, 53 insufficient resources (53300 too many connections, 53100 disk
 * full, 53200 out of memory), 57P0x shutdown / crash recovery / cannot connect now, 58 system
 * errors (I/O), 40001 serialization failure, 40P01 deadlock, 55P03 lock not available (lock
 * timeout), 57014 query canceled (statement timeout), 55006 object in use.
 */
const RETRY_SQLSTATE_CLASSES = ['08', '53', '57P', '58'];
const RETRY_SQLSTATES = new Set(['40001', '40P01', '55P03', '55006', '57014']);

/** Node socket errors: the peer (database or broker) is unreachable or went away. */
const RETRY_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * Errors without a code that mean a lost or unobtainable connection: node-postgres reports a
 * dropped connection and a pool wait that timed out in words only.
 */
const RETRY_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|Cannot use a pool after calling end/i;

/** kafkajs' errors (a broker unreachable, a request timed out, a leader moving). */
const KAFKAJS_ERROR = /^KafkaJS/;

export function classifyFailure(error: unknown): FailureClass {
  if (!(error instanceof Error)) return 'permanent';
  if ((error as { transient?: unknown }).transient === true) return 'retry';
  if (error instanceof CodedError) return 'permanent';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (RETRY_SQLSTATES.has(code)) return 'retry';
    if (/^[0-9A-Z]{5}$/.test(code) && RETRY_SQLSTATE_CLASSES.some((c) => code.startsWith(c))) {
      return 'retry';
    }
    if (RETRY_NODE_CODES.has(code)) return 'retry';
  }
  if (KAFKAJS_ERROR.test(error.name)) return 'retry';
  return RETRY_MESSAGES.test(error.message) ? 'retry' : 'permanent';
}

/** True when a failure is retried rather than reported or dead-lettered (`classifyFailure`). */
export function isTransient(error: unknown): boolean {
  return classifyFailure(error) === 'retry';
}

export function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : 'HANDLER_FAILED';
}
