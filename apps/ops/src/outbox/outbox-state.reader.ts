import { Client } from 'pg';
import { OpsEnvironment } from '../ops.config';

/** A row the relay could never publish (the broker refuses it): ids and sizes, no payload. */
export interface ParkedRow {
  id: string;
  topic: string;
  partition: number;
  eventType: string | null;
  sizeBytes: number;
  reason: string;
  createdAt: string;
  parkedAt: string;
}

export interface OutboxState {
  service: string;
  /** Rows waiting for the relay, and the age of the oldest (seconds). */
  waiting?: number;
  oldestWaitingSeconds?: number;
  parked: ParkedRow[];
  /** Why the state could not be read: no database, no server, an older schema. */
  note?: string;
}

export function outboxDatabasesOf(env: OpsEnvironment): { service: string; url: string }[] {
  return [
    { service: 'billing', url: env.BILLING_DATABASE_URL },
    { service: 'eligibility', url: env.ELIGIBILITY_DATABASE_URL },
    { service: 'licensing', url: env.LICENSING_DATABASE_URL },
    { service: 'notifications', url: env.NOTIFICATIONS_DATABASE_URL },
  ];
}

/** Reads (read-only) each service's outbox: what waits for its relay and what it parked. */
export class OutboxStateReader {
  async read(databases: { service: string; url: string }[]): Promise<OutboxState[]> {
    return Promise.all(databases.map((db) => this.readOne(db.service, db.url)));
  }

  private async readOne(service: string, url: string): Promise<OutboxState> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      const [{ waiting, oldest }] = (
        await client.query<{ waiting: number; oldest: number | null }>(
          `SELECT count(*)::int AS waiting,
                  extract(epoch FROM now() - min(created_at))::float8 AS oldest
             FROM outbox_messages`,
        )
      ).rows;
      const parked = (
        await client.query<{
          id: string;
          topic: string;
          partition: number;
          event_type: string | null;
          size_bytes: number;
          reason: string;
          created_at: Date;
          parked_at: Date;
        }>(
          `SELECT id, topic, partition, event_type, size_bytes, reason, created_at, parked_at
             FROM outbox_parked ORDER BY id`,
        )
      ).rows;
      return {
        service,
        waiting,
        oldestWaitingSeconds: Math.round(oldest ?? 0),
        parked: parked.map((row) => ({
          id: row.id,
          topic: row.topic,
          partition: row.partition,
          eventType: row.event_type,
          sizeBytes: row.size_bytes,
          reason: row.reason,
          createdAt: row.created_at.toISOString(),
          parkedAt: row.parked_at.toISOString(),
        })),
      };
    } catch (error) {
      return { service, parked: [], note: noteOf(error) };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function noteOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === '3D000') return 'no such database';
  if (code === '42P01') return 'no outbox tables (has the service run its migrations?)';
  if (code === 'ECONNREFUSED') return 'database server unreachable';
  return `database not readable: ${error instanceof Error ? error.message : String(error)}`;
}
