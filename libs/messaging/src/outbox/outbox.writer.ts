import { EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message';

/** Writes a transaction's outgoing messages in one statement, in the order they were published. */
export async function writeOutbox(
  manager: EntityManager,
  messages: OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await manager.query(
    `INSERT INTO outbox_messages (topic, message_key, payload, headers, event_type)
     SELECT topic, message_key, payload, headers, event_type FROM unnest($1::text[], $2::text[], $3::bytea[], $4::jsonb[], $5::text[])
     WITH ORDINALITY AS m(topic, message_key, payload, headers, event_type, n) ORDER BY n`,
    [
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.payload),
      messages.map((m) => JSON.stringify(m.headers)),
      messages.map((m) => m.eventType),
    ],
  );
}
