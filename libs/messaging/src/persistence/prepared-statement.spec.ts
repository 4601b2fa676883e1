import { EntityManager } from 'typeorm';
import { preparedStatement, runPrepared } from './prepared-statement';

/** node-postgres's own copy of a query config, as its Query makes it on every run. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { normalizeQueryConfig } = require('pg/lib/utils') as {
  normalizeQueryConfig: (config: object, values: unknown[]) => object;
};

describe('preparedStatement', () => {
  it('is named after its text: one text, one name, on every connection', () => {
    const a = preparedStatement('SELECT 1 WHERE $1::int = 1');
    expect(preparedStatement('SELECT 1 WHERE $1::int = 1').name).toBe(a.name);
    expect(preparedStatement('SELECT 2 WHERE $1::int = 1').name).not.toBe(a.name);
    expect(a.name).toMatch(/^s_[0-9a-f]{24}$/);
  });

  it('reads as its SQL where TypeORM logs the query of a failed statement', () => {
    expect(`${preparedStatement('SELECT 1') as unknown as string}`).toBe('SELECT 1');
  });

  it('hands node-postgres a named query config through manager.query', async () => {
    const statement = preparedStatement('SELECT $1::int AS one');
    const query = jest.fn().mockResolvedValue([{ one: 1 }]);
    const rows = await runPrepared({ query } as unknown as EntityManager, statement, [1]);
    expect(rows).toEqual([{ one: 1 }]);
    expect(query).toHaveBeenCalledWith(
      expect.objectContaining({ name: statement.name, text: 'SELECT $1::int AS one' }),
      [1],
    );
  });

  it('keeps its name and text through the copy node-postgres makes of a query config, with nothing of its own to copy', () => {
    const statement = preparedStatement('SELECT $1::int AS one');
    const config = normalizeQueryConfig(statement, [1]) as {
      name: string;
      text: string;
      values: unknown[];
    };
    expect(config).toMatchObject({
      name: statement.name,
      text: 'SELECT $1::int AS one',
      values: [1],
    });
    expect(Object.getOwnPropertyNames(statement)).toEqual([]);
  });
});
