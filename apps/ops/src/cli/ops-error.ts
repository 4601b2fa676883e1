/** Exit codes scripts can rely on. */
export const ExitCodes = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  /** The broker or a database could not be reached. */
  Unavailable: 3,
  /** The operation was refused (a live consumer group, ...): nothing was changed. */
  Refused: 4,
  /** `saga`: the saga is stuck (a script can alert on it). */
  Stuck: 5,
  /** `outbox`: a service parked rows its relay can never publish (a script can alert on it). */
  Parked: 6,
} as const;

/** A failure the operator can act on: what went wrong and what to do about it. */
export class OpsError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly exitCode: number = ExitCodes.Failure,
  ) {
    super(message);
  }
}

export const KAFKA_START_HINT = 'is the broker up? `npm run kafka:start`';

/** Turns kafkajs' connection failures into an error that says what to do. */
export function explainKafkaError(error: unknown, brokers: string[]): unknown {
  if (error instanceof OpsError || !(error instanceof Error)) return error;
  const names = new Set<string>();
  for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    names.add(e.name);
    const original = (e as { originalError?: unknown }).originalError;
    if (original instanceof Error) names.add(original.name);
  }
  const text = `${error.name} ${error.message}`;
  if (
    names.has('KafkaJSConnectionError') ||
    (names.has('KafkaJSNonRetriableError') && /connect|ECONNREFUSED/i.test(text)) ||
    /ECONNREFUSED|Connection error|Failed to connect|getaddrinfo/i.test(text)
  ) {
    return new OpsError(
      `cannot reach the Kafka broker at ${brokers.join(',')} (${error.message})`,
      KAFKA_START_HINT,
      ExitCodes.Unavailable,
    );
  }
  return error;
}
