import { EntityManager } from 'typeorm';

/** What `work` read of one table: rows by sequential scan, rows fetched by index. */
export interface RowsRead<T> {
  result: T;
  scanned: number;
  fetched: number;
}

/**
 * Runs `work` in the manager's transaction and counts the rows of `table` it read
 * (`pg_stat_xact_user_tables`). The connection's counts include earlier statements' that
 * PostgreSQL 15 has not reported yet (at most once a second), so they are compared before and
 * after: a statement that reads a whole table for a batch shows it, whatever the plan was called.
 */
export async function rowsRead<T>(
  manager: EntityManager,
  table: string,
  work: () => Promise<T>,
): Promise<RowsRead<T>> {
  const counts = async () => {
    const [row]: { scanned: string; fetched: string }[] = await manager.query(
      `SELECT seq_tup_read AS scanned, idx_tup_fetch AS fetched
         FROM pg_stat_xact_user_tables WHERE relname = $1`,
      [table],
    );
    return { scanned: Number(row.scanned), fetched: Number(row.fetched) };
  };
  const before = await counts();
  const result = await work();
  const after = await counts();
  return {
    result,
    scanned: after.scanned - before.scanned,
    fetched: after.fetched - before.fetched,
  };
}
