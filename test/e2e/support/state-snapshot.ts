/**
 * Every row of every table of the four services' databases, to prove that something (a replay)
 * changed no state at all.
 */
import { queryDatabase, SERVICES, TestSystem } from '@app/testing';

/** `service.table` → the table's rows as JSON text, sorted. */
export type StateSnapshot = Record<string, string[]>;

// The migrations bookkeeping is TypeORM's, not the service's state.
const NOT_STATE = new Set(['migrations', 'typeorm_metadata']);

export async function snapshotState(sys: TestSystem): Promise<StateSnapshot> {
  const snapshot: StateSnapshot = {};
  for (const service of SERVICES) {
    const url = sys.databases[service];
    const tables = await queryDatabase<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    for (const { table_name } of tables) {
      if (NOT_STATE.has(table_name)) continue;
      const rows = await queryDatabase<{ row: string }>(
        url,
        `SELECT row_to_json(t)::text AS row FROM "${table_name}" t`,
      );
      snapshot[`${service}.${table_name}`] = rows.map((r) => r.row).sort();
    }
  }
  return snapshot;
}
