import { EntityManager } from 'typeorm';

/** A row the relay could never publish (the broker refuses it): ids and sizes, no payload. */
export interface ParkedOutboxRow {
  id: string;
  topic: string;
  partition: number;
  eventType: string | null;
  sizeBytes: number;
  reason: string;
  createdAt: string;
  parkedAt: string;
}

/** A service's outbox as ops see it: what waits for the relay, and what it parked. */
export interface OutboxState {
  waiting: number;
  /** Age of the oldest waiting row, in seconds (0 when none waits). */
  oldestWaitingSeconds: number;
  parked: ParkedOutboxRow[];
}

/** Reads the outbox's state (never a key or a payload). */
export async function readOutboxState(manager: EntityManager): Promise<OutboxState> {
  const [{ waiting, oldest }] = await manager.query<{ waiting: number; oldest: number | null }[]>(
    `SELECT count(*)::int AS waiting,
            extract(epoch FROM now() - min(created_at))::float8 AS oldest
       FROM outbox_messages`,
  );
  const parked = await manager.query<
    {
      id: string;
      topic: string;
      partition: number;
      event_type: string | null;
      size_bytes: number;
      reason: string;
      created_at: Date;
      parked_at: Date;
    }[]
  >(
    `SELECT id, topic, partition, event_type, size_bytes, reason, created_at, parked_at
       FROM outbox_parked ORDER BY id`,
  );
  return {
    waiting,
    oldestWaitingSeconds: Math.round(oldest ?? 0),
    parked: parked.map((row) => ({
      id: String(row.id),
      topic: row.topic,
      partition: row.partition,
      eventType: row.event_type,
      sizeBytes: row.size_bytes,
      reason: row.reason,
      createdAt: row.created_at.toISOString(),
      parkedAt: row.parked_at.toISOString(),
    })),
  };
}
