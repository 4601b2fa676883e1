import { EntityManager } from 'typeorm';

/** What a piece of work read of one table. */
export interface TableReads {
  /** Sequential scans of the table. */
  seqScans: number;
  /** Rows those scans read. */
  scanned: number;
  /** Rows fetched through an index. */
  fetched: number;
}

const NONE: TableReads = { seqScans: 0, scanned: 0, fetched: 0 };

/**
 * Runs `work` in the manager's transaction and tells what it read of each table
 * (`pg_stat_xact_user_tables`); `of(table)` is all zero for a table it did not touch. The
 * connection's counts include earlier statements' that PostgreSQL 15 has not reported yet (at most
 * once a second), so they are compared before and after: a statement that reads a whole table for
 * a batch shows it, whatever the plan was called.
 */
export async function tableReads<T>(
  manager: EntityManager,
  work: () => Promise<T>,
): Promise<{ result: T; of: (table: string) => TableReads; scannedWhole: () => string[] }> {
  const counts = async () =>
    new Map(
      (
        await manager.query<
          { relname: string; seq_scan: string; seq_tup_read: string; idx_tup_fetch: string }[]
        >('SELECT relname, seq_scan, seq_tup_read, idx_tup_fetch FROM pg_stat_xact_user_tables')
      ).map((row): [string, TableReads] => [
        row.relname,
        {
          seqScans: Number(row.seq_scan),
          scanned: Number(row.seq_tup_read),
          fetched: Number(row.idx_tup_fetch),
        },
      ]),
    );
  const before = await counts();
  const result = await work();
  const after = await counts();
  const of = (table: string): TableReads => {
    const [was, is] = [before.get(table) ?? NONE, after.get(table) ?? NONE];
    return {
      seqScans: is.seqScans - was.seqScans,
      scanned: is.scanned - was.scanned,
      fetched: is.fetched - was.fetched,
    };
  };
  return {
    result,
    of,
    /** The tables the work read whole (a sequential scan), sorted. */
    scannedWhole: () => [...after.keys()].filter((table) => of(table).seqScans > 0).sort(),
  };
}
