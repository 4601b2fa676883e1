import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { KafkaMessage } from 'kafkajs';
import { DeadLetterHeaders } from '../outbox/outbox-message';
import { headerBytes } from './record-headers';

/** Where and when a record was first appended, as a dead letter carries it. */
export interface SealedOrigin {
  topic: string;
  partition: number;
  offset: string;
  appendedAt: Date;
}

/**
 * Vouches for a record's original broker append time across dead-letter and redrive.
 *
 * A dead letter carries its origin (`dlq-origin-topic/-partition/-offset`), the original append
 * time (`dlq-origin-appended-at`) and an HMAC seal over those and a hash of the value, keyed
 * with a secret only the service holds (`DEAD_LETTER_SEAL_SECRET`). `ops dlq redrive` keeps
 * these headers; when the redriven record comes back, a valid seal over its own value on its
 * own topic makes the runtime take the original append time as the record's `appendedAt`, so
 * freshness rules judge when it first arrived, not when ops redrove it. A record without a
 * seal, with a bad one, or whose value or topic changed is judged on its own append time.
 */
export class OriginSeal {
  constructor(private readonly secret: string) {}

  headers(origin: SealedOrigin, value: Buffer | null): Record<string, string> {
    const appendedAt = origin.appendedAt.toISOString();
    return {
      [DeadLetterHeaders.OriginTopic]: origin.topic,
      [DeadLetterHeaders.OriginPartition]: String(origin.partition),
      [DeadLetterHeaders.OriginOffset]: origin.offset,
      [DeadLetterHeaders.OriginAppendedAt]: appendedAt,
      [DeadLetterHeaders.OriginSeal]: this.mac(
        origin.topic,
        String(origin.partition),
        origin.offset,
        appendedAt,
        value,
      ),
    };
  }

  /** The original append time a redriven record on `topic` carries, if its seal holds. */
  originalAppendTime(topic: string, message: KafkaMessage): Date | undefined {
    const text = (name: string) => headerBytes(message, name)?.toString('utf8');
    // Per consumed record: nearly all carry no seal, so look for it first.
    if (!message.headers?.[DeadLetterHeaders.OriginSeal]) return undefined;
    const originTopic = text(DeadLetterHeaders.OriginTopic);
    const partition = text(DeadLetterHeaders.OriginPartition);
    const offset = text(DeadLetterHeaders.OriginOffset);
    const appendedAt = text(DeadLetterHeaders.OriginAppendedAt);
    const seal = text(DeadLetterHeaders.OriginSeal);
    if (originTopic !== topic || !partition || !offset || !appendedAt || !seal) return undefined;
    if (!/^[0-9a-f]{64}$/.test(seal)) return undefined;
    const expected = Buffer.from(
      this.mac(originTopic, partition, offset, appendedAt, message.value),
      'hex',
    );
    if (!timingSafeEqual(expected, Buffer.from(seal, 'hex'))) return undefined;
    const at = new Date(appendedAt);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }

  private mac(
    topic: string,
    partition: string,
    offset: string,
    appendedAt: string,
    value: Buffer | null,
  ): string {
    const valueHash = createHash('sha256')
      .update(value ?? Buffer.alloc(0))
      .digest('hex');
    return createHmac('sha256', this.secret)
      .update(JSON.stringify(['dlq-origin-v1', topic, partition, offset, appendedAt, valueHash]))
      .digest('hex');
  }
}

/** The headers `ops dlq redrive` keeps on a redriven record, so its seal can be checked. */
export const SEALED_ORIGIN_HEADERS: readonly string[] = [
  DeadLetterHeaders.OriginTopic,
  DeadLetterHeaders.OriginPartition,
  DeadLetterHeaders.OriginOffset,
  DeadLetterHeaders.OriginAppendedAt,
  DeadLetterHeaders.OriginSeal,
];
