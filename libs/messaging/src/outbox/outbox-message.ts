/** A row of `outbox_messages` before it is written: what the relay will send, byte for byte. */
export interface OutboxMessage {
  /** Logical topic (the relay adds the physical prefix). */
  topic: string;
  /** Bytes where a dead letter keeps the original's exactly (they may hold anything, NUL included). */
  key: string | Buffer;
  payload: Buffer;
  headers: Record<string, string | Buffer>;
  eventType: string | null;
}

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/** Headers a dead letter carries, next to the original record's own headers. */
export const DeadLetterHeaders = {
  Reason: 'dlq-reason',
  ErrorCode: 'dlq-error-code',
  OriginTopic: 'dlq-origin-topic',
  OriginPartition: 'dlq-origin-partition',
  OriginOffset: 'dlq-origin-offset',
  /** The original record's broker append time (ISO 8601), vouched for by OriginSeal. */
  OriginAppendedAt: 'dlq-origin-appended-at',
  /** HMAC over the origin and its append time and value (consumer/origin-seal.ts). */
  OriginSeal: 'dlq-origin-seal',
  ConsumerGroup: 'dlq-consumer-group',
  Attempts: 'dlq-attempts',
  FailedAt: 'dlq-failed-at',
  RedrivenAt: 'dlq-redriven-at',
  RedriveCount: 'dlq-redrive-count',
} as const;
