import { KafkaMessage } from 'kafkajs';

/** The bytes of a record's header (the first, when the name is repeated). */
export function headerBytes(message: KafkaMessage, name: string): Buffer | undefined {
  const raw = message.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first : Buffer.from(first);
}
