import { ClientBase } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { coalesceWrites } from './coalesced-writes';
import { BoundStatement, wireValues } from './prepared-statement';

/** TypeORM's record of a transaction it started (BaseQueryRunner), set here as it sets it. */
interface TransactionState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

/**
 * Runs `work` in one database transaction, as `DataSource.transaction` does, less two round
 * trips on a connection that pipelines (`pipeline` in databaseOptions, as the services' do):
 *
 * - BEGIN is sent without waiting for its answer, so it reaches PostgreSQL with the first
 *   statement of `work`;
 * - the `closing` statement (the transaction's last: the outbox write), made from what `work`
 *   returned, is sent with COMMIT, both queued on the connection before either is answered.
 *
 * A consumer's transaction was four round trips or more (BEGIN, its inbox claim, the handler's
 * statements, the outbox, COMMIT); it is now two or more. What is sent together is written
 * together, in one write to the socket (coalesceWrites).
 *
 * PostgreSQL runs a connection's statements in order. BEGIN is queued before `work` starts, so
 * every statement of `work` runs inside the transaction; if BEGIN fails (its connection lost, or
 * left in an aborted transaction), every statement behind it fails the same way, and nothing of
 * `work` commits. The closing statement is queued on the connection itself, before COMMIT, and
 * both after `work` has settled. If it fails, PostgreSQL answers the COMMIT behind it with
 * ROLLBACK: that answer (or any answer but COMMIT) is a failure, never taken for a commit.
 *
 * The rest is TypeORM's: the runner is marked in a transaction as `startTransaction` marks it (an
 * EntityManager call that opens a transaction of its own nests in a savepoint), out of it once
 * committed, as `commitTransaction` leaves it, with its Before- and AfterTransactionCommit
 * subscribers run (the latter only once COMMIT has answered COMMIT); it rolls back through the
 * runner; the connection goes back to the pool at the end, unless `followOn` kept it.
 */
export async function pipelinedTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  closing?: (value: T) => BoundStatement | undefined,
  followOn?: FollowOn,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const handOver = { kept: false };
  try {
    const connection = (await runner.connect()) as ClientBase;
    coalesceWrites(connection);
    const begun = connection.query('BEGIN');
    markInTransaction(runner, true);
    try {
      // Both settled before anything else: a failed BEGIN must not have the connection rolled
      // back and handed back to the pool while `work` still runs statements on it.
      const [began, worked] = await Promise.allSettled([begun, work(runner.manager)]);
      if (worked.status === 'rejected') throw worked.reason;
      if (began.status === 'rejected') throw began.reason;
      const last = closing?.(worked.value);
      await commit(runner, connection, last, last && followOn, handOver);
      return worked.value;
    } catch (error) {
      // Kept, the connection is the follow-on's: its COMMIT was answered (ROLLBACK, for a failed
      // transaction) or the connection is lost; either way nothing of the transaction is left.
      if (handOver.kept) markInTransaction(runner, false);
      else await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    if (!handOver.kept) await runner.release();
  }
}

/**
 * What may follow a transaction that wrote its closing statement, on its connection: called once
 * COMMIT is queued there, before its answer, it may queue statements of its own behind it (in the
 * same write) and keep the connection. It then returns true and calls `release` once done with
 * it; the transaction no longer touches the connection, whatever COMMIT answers. The outbox relay's
 * drain follows a commit this way (OutboxRelay.drainAfter): its first round trip is the commit's.
 */
export type FollowOn = (connection: ClientBase, release: () => Promise<void>) => boolean;

/**
 * Sends `last` and COMMIT together (and what `followOn` queues behind them); resolves once
 * PostgreSQL has committed both.
 */
async function commit(
  runner: QueryRunner,
  connection: ClientBase,
  last: BoundStatement | undefined,
  followOn: FollowOn | undefined,
  handOver: { kept: boolean },
): Promise<void> {
  await runner.broadcaster.broadcast('BeforeTransactionCommit');
  // Queued one after the other with nothing awaited between them: on the wire in this order.
  coalesceWrites(connection);
  const written = last
    ? connection.query(last.statement, wireValues(last.statement, last.values))
    : undefined;
  const committed = connection.query('COMMIT');
  handOver.kept = followOn?.(connection, () => runner.release()) ?? false;
  const [wrote, answered] = await Promise.allSettled([written, committed]);
  if (wrote.status === 'rejected') throw wrote.reason;
  if (answered.status === 'rejected') throw answered.reason;
  if (answered.value.command !== 'COMMIT') {
    throw new Error(
      `COMMIT was answered ${answered.value.command}: the transaction had failed, nothing of it is kept`,
    );
  }
  markInTransaction(runner, false);
  await runner.broadcaster.broadcast('AfterTransactionCommit');
}

/** Sets the runner's record as TypeORM's startTransaction (true) or commitTransaction (false) does. */
function markInTransaction(runner: QueryRunner, inTransaction: boolean): void {
  Object.assign(runner as QueryRunner & TransactionState, {
    isTransactionActive: inTransaction,
    transactionDepth: inTransaction ? 1 : 0,
  } satisfies TransactionState);
}
