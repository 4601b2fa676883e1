import { ClientBase } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** TypeORM's record of a transaction it started (BaseQueryRunner), set here as it sets it. */
interface TransactionState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

/**
 * Runs `work` in one database transaction, as `DataSource.transaction` does, less one round trip:
 * BEGIN is sent without waiting for its answer, so it reaches PostgreSQL with the first statement
 * of `work` (the services' connections pipeline: `pipeline` in databaseOptions). A consumer's
 * transaction is four round trips or more (its inbox claim, the handler's statements, the outbox,
 * COMMIT); BEGIN on its own was one more.
 *
 * BEGIN is queued on the connection before `work` starts, and PostgreSQL runs a connection's
 * statements in order, so every statement of `work` runs inside the transaction. If BEGIN fails
 * (its connection lost, or left in an aborted transaction), every statement behind it fails the
 * same way, and nothing of `work` commits.
 *
 * The rest is TypeORM's: the runner is marked in a transaction as `startTransaction` marks it (an
 * EntityManager call that opens a transaction of its own nests in a savepoint), commits and
 * rolls back through it (its AfterTransactionCommit subscribers run), and the connection goes back
 * to the pool at the end.
 */
export async function pipelinedTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const connection = (await runner.connect()) as ClientBase;
    const begun = connection.query('BEGIN');
    Object.assign(runner as QueryRunner & TransactionState, {
      isTransactionActive: true,
      transactionDepth: 1,
    } satisfies TransactionState);
    try {
      // Both settled before anything else: a failed BEGIN must not have the connection rolled
      // back and handed back to the pool while `work` still runs statements on it.
      const [began, worked] = await Promise.allSettled([begun, work(runner.manager)]);
      if (worked.status === 'rejected') throw worked.reason;
      if (began.status === 'rejected') throw began.reason;
      await runner.commitTransaction();
      return worked.value;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}
