import { EntityManager } from 'typeorm';
import { preparedStatement, runPrepared } from '../persistence/prepared-statement';

/** A key to consume once: an event id, or a record's dead-letter key (dead-letter.ts). */
export interface InboxEntry {
  key: string;
  eventType: string | null;
  topic: string;
}

const CLAIM_INBOX = preparedStatement(
  `INSERT INTO inbox_events (event_id, event_type, topic)
   SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
   ON CONFLICT DO NOTHING RETURNING event_id`,
);

/**
 * Records the keys in the inbox, in the caller's transaction; returns those not seen before (a
 * set: each is consumed once). The inbox row commits or rolls back with the handler's effects.
 */
export async function claimInbox(
  manager: EntityManager,
  entries: readonly InboxEntry[],
): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const rows: { event_id: string }[] = await runPrepared(manager, CLAIM_INBOX, [
    entries.map((e) => e.key),
    entries.map((e) => e.eventType),
    entries.map((e) => e.topic),
  ]);
  return new Set(rows.map((row) => row.event_id));
}
