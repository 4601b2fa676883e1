import { deadLetterTopicOf } from '@app/contracts';
import { createHash } from 'node:crypto';
import { KafkaMessage } from 'kafkajs';
import { DeadLetterHeaders, OutboxMessage } from '../outbox/outbox-message';
import { RecordOrigin } from './event-context';
import { OriginSeal } from './origin-seal';

/** Longest reason a dead letter carries (characters, after escaping). */
const MAX_REASON_LENGTH = 2000;

/**
 * The inbox key of a record's dead letter: a hash of where the record is AND of what it is
 * (timestamp, key, headers, value). A redelivery of the same record (a rebalance, a replay) has
 * the same key and is not dead-lettered twice; a different record at a position dead-lettered
 * before (the topic was recreated, the broker's data replaced: offsets restart at 0) has another
 * key and is dead-lettered.
 */
export function deadLetterInboxKey(
  topic: string,
  partition: number,
  message: KafkaMessage,
): string {
  const hash = createHash('sha256');
  const field = (bytes: Buffer | string | null | undefined) => {
    if (bytes === null || bytes === undefined) {
      hash.update('-');
      return;
    }
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    hash.update(`${buffer.length}:`).update(buffer);
  };
  field(topic);
  field(String(partition));
  field(message.offset);
  field(message.timestamp);
  field(message.key);
  field(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    field(name);
    for (const item of Array.isArray(value) ? value : [value]) field(item);
  }
  return `dlq:${hash.digest('hex')}`;
}

/**
 * Text the runtime writes into a header (a reason, a code) made safe to store and to read:
 * NUL, other control characters and unpaired surrogates are escaped (`\u0000`), so no header the
 * runtime writes can be refused by PostgreSQL or garble a terminal, and its length is bounded.
 */
export function safeHeaderText(text: string, maxLength = MAX_REASON_LENGTH): string {
  let safe = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const unpaired = char.length === 1 && code >= 0xd800 && code <= 0xdfff;
    safe +=
      code < 0x20 || (code >= 0x7f && code <= 0x9f) || unpaired
        ? `\\u${code.toString(16).padStart(4, '0')}`
        : char;
    if (safe.length >= maxLength) return safe.slice(0, maxLength);
  }
  return safe;
}

/**
 * The exact bytes of a key or header value: as text when they are UTF-8 that encodes back to the
 * same bytes and hold no NUL (text is the same bytes, and any storage takes it), else as a Buffer.
 */
function sameBytes(value: Buffer | string): Buffer | string {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const text = bytes.toString('utf8');
  return !text.includes('\u0000') && Buffer.from(text, 'utf8').equals(bytes) ? text : bytes;
}

export interface DeadLetterCause {
  code: string;
  reason: string;
  attempts: number;
}

/**
 * Builds a record's dead letter for the group's dead-letter topic: the ORIGINAL key, header
 * values and value as raw bytes (never decoded, so no byte can make the copy fail), plus the
 * runtime's own headers (reason, code, origin with its sealed append time, attempts), all text
 * it writes itself and made safe.
 */
export class DeadLetterBuilder {
  constructor(
    private readonly group: string,
    private readonly seal: OriginSeal,
  ) {}

  build(
    origin: RecordOrigin,
    message: KafkaMessage,
    cause: DeadLetterCause,
    eventType: string | null,
    now = new Date(),
  ): OutboxMessage {
    const headers: Record<string, string | Buffer> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      // kafkajs gathers a repeated header name into an array: the dead letter keeps the first.
      const first = Array.isArray(value) ? value[0] : value;
      if (first !== undefined) headers[name] = sameBytes(first);
    }
    return {
      topic: deadLetterTopicOf(this.group),
      key: sameBytes(message.key ?? ''),
      payload: message.value ?? Buffer.alloc(0),
      eventType,
      headers: {
        ...headers,
        ...this.seal.headers(origin, message.value),
        [DeadLetterHeaders.Reason]: safeHeaderText(cause.reason),
        [DeadLetterHeaders.ErrorCode]: safeHeaderText(cause.code, 64),
        [DeadLetterHeaders.ConsumerGroup]: this.group,
        [DeadLetterHeaders.Attempts]: String(cause.attempts),
        [DeadLetterHeaders.FailedAt]: now.toISOString(),
      },
    };
  }
}
