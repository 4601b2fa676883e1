/**
 * pipelinedTransaction against the real PostgreSQL: BEGIN and the first statement travel in one
 * round trip on a pipelining connection, so do the closing statement and COMMIT, and the
 * transaction is TypeORM's in every other respect.
 */
import { pipelinedTransaction, preparedStatement, runPrepared, together } from '@app/messaging';
import { countSocketWrites, Traffic, watchConnection } from '@app/testing';
import { DataSource, EntitySubscriberInterface } from 'typeorm';
import { factNames, factsDatabase } from './facts-database';

/** Whether the service waited for an answer between writing `first` and writing `second`. */
function waitedBetween(traffic: Traffic, first: string, second: string): boolean {
  const at = (text: string) =>
    traffic.findIndex((entry) => 'wrote' in entry && entry.wrote.includes(text));
  const [from, to] = [at(first), at(second)];
  expect(from).toBeGreaterThanOrEqual(0);
  expect(to).toBeGreaterThanOrEqual(from);
  return traffic.slice(from, to).some((entry) => 'read' in entry);
}

/** The closing statement of the tests: one more fact, as the outbox write is one more row. */
const INSERT_FACT = preparedStatement('INSERT INTO facts VALUES ($1)');

/** Whether a pg session is outside any transaction (the pool's one connection). */
async function outsideAnyTransaction(dataSource: DataSource): Promise<boolean> {
  const [own]: { autocommit: boolean }[] = await dataSource.query(
    `SELECT xact_start = query_start AS autocommit FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
  );
  return own.autocommit;
}

/** Records the runner data of every AfterTransactionCommit, from now on. */
function commitsSeen(dataSource: DataSource): unknown[] {
  const committed: unknown[] = [];
  const subscriber: EntitySubscriberInterface = {
    afterTransactionCommit: ({ queryRunner }) => {
      committed.push(queryRunner.data);
    },
  };
  dataSource.subscribers.push(subscriber);
  return committed;
}

describe('pipelinedTransaction (real PostgreSQL)', () => {
  let dataSource: DataSource;

  afterEach(async () => {
    await dataSource?.destroy();
  });

  it.each([
    ['sends BEGIN and the first statement in one round trip on a pipelining connection', true],
    ['waits for BEGIN first on a connection that does not pipeline (what the option saves)', false],
  ])('%s', async (_, pipeline) => {
    dataSource = await factsDatabase('pipelined', pipeline);
    const traffic = await watchConnection(dataSource);
    await pipelinedTransaction(dataSource, async (manager) => {
      await manager.query(`INSERT INTO facts VALUES ('first statement')`);
    });
    expect(waitedBetween(traffic, 'BEGIN', 'first statement')).toBe(!pipeline);
    expect(await factNames(dataSource)).toEqual(['first statement']);
  });

  it('commits nothing of the work when it fails, its first statement included', async () => {
    dataSource = await factsDatabase('pipelined', true);
    await expect(
      pipelinedTransaction(dataSource, async (manager) => {
        await manager.query(`INSERT INTO facts VALUES ('a')`);
        await manager.query(`INSERT INTO facts VALUES ('b')`);
        throw new Error('the handler failed');
      }),
    ).rejects.toThrow('the handler failed');
    expect(await factNames(dataSource)).toEqual([]);
  });

  it('rolls back when a statement fails, and leaves the connection out of any transaction', async () => {
    dataSource = await factsDatabase('pipelined', true);
    await expect(
      pipelinedTransaction(dataSource, async (manager) => {
        await manager.query(`INSERT INTO facts VALUES ('a')`);
        await manager.query(`INSERT INTO facts VALUES ('a')`);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await outsideAnyTransaction(dataSource)).toBe(true);
    expect(await factNames(dataSource)).toEqual([]);
  });

  it.each([
    ['sends the closing statement and COMMIT in one round trip on a pipelining connection', true],
    ['waits for the closing statement first on a connection that does not pipeline', false],
  ])('%s', async (_, pipeline) => {
    dataSource = await factsDatabase('pipelined', pipeline);
    const traffic = await watchConnection(dataSource);
    const value = await pipelinedTransaction(
      dataSource,
      async (manager) => {
        await manager.query(`INSERT INTO facts VALUES ('work')`);
        return 'the closing fact';
      },
      (fact) => ({ statement: INSERT_FACT, values: [fact] }),
    );
    expect(value).toBe('the closing fact');
    expect(waitedBetween(traffic, 'the closing fact', 'COMMIT')).toBe(!pipeline);
    expect(await factNames(dataSource)).toEqual(['the closing fact', 'work']);
  });

  it('writes BEGIN with the first statements, and the closing statement with COMMIT, in one write each', async () => {
    dataSource = await factsDatabase('pipelined', true);
    const writes = await countSocketWrites(dataSource);
    await pipelinedTransaction(
      dataSource,
      async (manager) => {
        await together(
          runPrepared(manager, INSERT_FACT, ['first']),
          runPrepared(manager, INSERT_FACT, ['second']),
        );
        await runPrepared(manager, INSERT_FACT, ['third']);
        return 'closing';
      },
      (fact) => ({ statement: INSERT_FACT, values: [fact] }),
    );
    // BEGIN, first and second; third; closing and COMMIT.
    expect(writes()).toBe(3);
    expect(await factNames(dataSource)).toEqual(['closing', 'first', 'second', 'third']);
  });

  it('keeps nothing when the closing statement fails, and runs no AfterTransactionCommit', async () => {
    dataSource = await factsDatabase('pipelined', true);
    const committed = commitsSeen(dataSource);
    await expect(
      pipelinedTransaction(
        dataSource,
        async (manager) => {
          await manager.query(`INSERT INTO facts VALUES ('work'), ('taken')`);
        },
        () => ({ statement: INSERT_FACT, values: ['taken'] }),
      ),
    ).rejects.toThrow(/duplicate key/);
    expect(committed).toEqual([]);
    expect(await outsideAnyTransaction(dataSource)).toBe(true);
    expect(await factNames(dataSource)).toEqual([]);
  });

  it('fails when PostgreSQL answers COMMIT with ROLLBACK (work swallowed a failed statement)', async () => {
    dataSource = await factsDatabase('pipelined', true);
    const committed = commitsSeen(dataSource);
    await expect(
      pipelinedTransaction(dataSource, async (manager) => {
        await manager.query(`INSERT INTO facts VALUES ('work')`);
        await manager.query('SELECT 1 / 0').catch(() => undefined);
      }),
    ).rejects.toThrow(/COMMIT was answered ROLLBACK/);
    expect(committed).toEqual([]);
    expect(await outsideAnyTransaction(dataSource)).toBe(true);
    expect(await factNames(dataSource)).toEqual([]);
  });

  it("nests an EntityManager transaction in a savepoint: the inner commit is not the outer's", async () => {
    dataSource = await factsDatabase('pipelined', true);
    await expect(
      pipelinedTransaction(dataSource, async (manager) => {
        await manager.transaction(async (inner) => {
          await inner.query(`INSERT INTO facts VALUES ('inner')`);
        });
        throw new Error('the outer work failed after the inner transaction');
      }),
    ).rejects.toThrow('the outer work failed');
    expect(await factNames(dataSource)).toEqual([]);
  });

  it("runs TypeORM's AfterTransactionCommit subscribers once it has committed, with the runner's data", async () => {
    dataSource = await factsDatabase('pipelined', true);
    const committed = commitsSeen(dataSource);
    await pipelinedTransaction(
      dataSource,
      async (manager) => {
        await manager.query(`INSERT INTO facts VALUES ('a')`);
        manager.queryRunner!.data = { mark: 'set by the work' };
        expect(committed).toEqual([]);
      },
      () => ({ statement: INSERT_FACT, values: ['b'] }),
    );
    expect(committed).toEqual([{ mark: 'set by the work' }]);
    expect(await outsideAnyTransaction(dataSource)).toBe(true);
  });
});
