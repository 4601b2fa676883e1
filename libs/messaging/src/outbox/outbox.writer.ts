import { EntityManager } from 'typeorm';
import { encodeHeaders } from './outbox-headers';
import { OutboxMessage } from './outbox-message';

/** Writes a transaction's outgoing messages in one statement, in the order they were published. */
export async function writeOutbox(
  manager: EntityManager,
  messages: OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  // Key and headers as bytes: a dead letter's may hold NUL or invalid UTF-8 (text would refuse).
  await manager.query(
    `INSERT INTO outbox_messages (topic, message_key, payload, headers, event_type)
     SELECT topic, message_key, payload, headers, event_type FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::bytea[], $5::text[])
     WITH ORDINALITY AS m(topic, message_key, payload, headers, event_type, n) ORDER BY n`,
    [
      messages.map((m) => m.topic),
      messages.map((m) => (Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key, 'utf8'))),
      messages.map((m) => m.payload),
      messages.map((m) => encodeHeaders(m.headers)),
      messages.map((m) => m.eventType),
    ],
  );
}
