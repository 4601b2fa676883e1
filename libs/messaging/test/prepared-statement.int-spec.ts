/**
 * runPrepared and together against the real PostgreSQL: in a transaction, statements made one
 * after another travel in one round trip on a pipelining connection, answer as `manager.query`
 * does, and fail as one.
 */
import { pipelinedTransaction, preparedStatement, runPrepared, together } from '@app/messaging';
import { roundTrips, watchConnection } from '@app/testing';
import { DataSource, QueryFailedError } from 'typeorm';
import { factNames, factsDatabase } from './facts-database';

const INSERT_FACT = preparedStatement('INSERT INTO facts VALUES ($1) RETURNING name');
const RENAME_FACT = preparedStatement('UPDATE facts SET name = $2 WHERE name = $1');
const FACTS = preparedStatement('SELECT name FROM facts WHERE name = ANY($1) ORDER BY name');

describe('runPrepared and together (real PostgreSQL)', () => {
  let dataSource: DataSource;

  afterEach(async () => {
    await dataSource?.destroy();
  });

  it.each([
    [
      'sends statements made one after another in one round trip on a pipelining connection',
      true,
      1,
    ],
    [
      'waits for each answer on a connection that does not pipeline (what together saves)',
      false,
      3,
    ],
  ])('%s', async (_, pipeline, trips) => {
    dataSource = await factsDatabase('prepared', pipeline);
    const traffic = await watchConnection(dataSource);
    let counted = 0;
    await pipelinedTransaction(dataSource, async (manager) => {
      await runPrepared(manager, INSERT_FACT, ['warm']);
      const from = traffic.length;
      await together(
        runPrepared(manager, INSERT_FACT, ['a']),
        runPrepared(manager, INSERT_FACT, ['b']),
        runPrepared(manager, INSERT_FACT, ['c']),
      );
      counted = roundTrips(traffic.slice(from));
    });
    expect(counted).toBe(trips);
    expect(await factNames(dataSource)).toEqual(['a', 'b', 'c', 'warm']);
  });

  it('answers as manager.query does: rows, [rows, affected] for an UPDATE, in their order', async () => {
    dataSource = await factsDatabase('prepared', true);
    const answers = await pipelinedTransaction(dataSource, (manager) =>
      together(
        runPrepared<{ name: string }[]>(manager, INSERT_FACT, ['a']),
        runPrepared<[unknown[], number]>(manager, RENAME_FACT, ['a', 'b']),
        runPrepared<{ name: string }[]>(manager, FACTS, [['a', 'b']]),
      ),
    );
    expect(answers).toEqual([[{ name: 'a' }], [[], 1], [{ name: 'b' }]]);
  });

  it('throws the first failure as a QueryFailedError once all have settled; nothing is kept', async () => {
    dataSource = await factsDatabase('prepared', true);
    await dataSource.query(`INSERT INTO facts VALUES ('taken')`);
    const failure = await pipelinedTransaction(dataSource, (manager) =>
      together(
        runPrepared(manager, INSERT_FACT, ['a']),
        runPrepared(manager, INSERT_FACT, ['taken']),
        // Behind the failed one: PostgreSQL refuses it (the transaction is aborted).
        runPrepared(manager, INSERT_FACT, ['c']),
      ),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    // The unique violation, not the aborted transaction behind it.
    expect((failure as QueryFailedError & { code?: string }).code).toBe('23505');
    expect(await factNames(dataSource)).toEqual(['taken']);
  });

  it('outside a transaction, runs through the manager as before', async () => {
    dataSource = await factsDatabase('prepared', true);
    expect(await runPrepared(dataSource.manager, INSERT_FACT, ['alone'])).toEqual([
      { name: 'alone' },
    ]);
    expect(await factNames(dataSource)).toEqual(['alone']);
  });
});
