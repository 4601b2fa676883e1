import { EntityManager } from 'typeorm';
import { encodeHeaders } from './outbox-headers';
import { BoundStatement, preparedStatement, runPrepared } from '../persistence/prepared-statement';
import { OutboxMessage } from './outbox-message';

const WRITE_OUTBOX = preparedStatement(
  `INSERT INTO outbox_messages (topic, message_key, payload, headers, event_type)
   SELECT topic,
          substring($3::bytea FROM key_at FOR payload_at - key_at),
          substring($3::bytea FROM payload_at FOR headers_at - payload_at),
          substring($3::bytea FROM headers_at FOR end_at - headers_at),
          event_type
     FROM unnest($1::text[], $2::text[], $4::int[], $5::int[], $6::int[], $7::int[])
       WITH ORDINALITY AS m(topic, event_type, key_at, payload_at, headers_at, end_at, n)
    ORDER BY n`,
);

/**
 * The one statement that writes a transaction's outgoing messages, in the order they were
 * published (none when there are none): sent with the transaction's COMMIT
 * (`pipelinedTransaction`'s closing statement), or run on its own by `writeOutbox`.
 *
 * Key and headers are bytes, as the payload: a dead letter's may hold NUL or invalid UTF-8 (text
 * would refuse). The bytes of all messages go as one binary parameter, each message's key,
 * payload and headers cut from it by offset: an array of `bytea` would cross as hex text (twice
 * the size, escaped, then parsed back by PostgreSQL), a single Buffer parameter crosses as is.
 */
export function outboxWrite(messages: OutboxMessage[]): BoundStatement | undefined {
  if (messages.length === 0) return undefined;
  const parts: Buffer[] = [];
  // 1-based positions in the bytes, as PostgreSQL's substring counts.
  const keyAt: number[] = [];
  const payloadAt: number[] = [];
  const headersAt: number[] = [];
  const endAt: number[] = [];
  let at = 1;
  for (const m of messages) {
    const key = Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key, 'utf8');
    const headers = encodeHeaders(m.headers);
    keyAt.push(at);
    payloadAt.push((at += key.length));
    headersAt.push((at += m.payload.length));
    endAt.push((at += headers.length));
    parts.push(key, m.payload, headers);
  }
  return {
    statement: WRITE_OUTBOX,
    values: [
      messages.map((m) => m.topic),
      messages.map((m) => m.eventType),
      Buffer.concat(parts, at - 1),
      keyAt,
      payloadAt,
      headersAt,
      endAt,
    ],
  };
}

/** Writes a transaction's outgoing messages on the manager's connection, in its transaction. */
export async function writeOutbox(
  manager: EntityManager,
  messages: OutboxMessage[],
): Promise<void> {
  const write = outboxWrite(messages);
  if (write) await runPrepared(manager, write.statement, write.values);
}
