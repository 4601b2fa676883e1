import { createTestDatabase } from '@app/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database';

describe('a service database connection', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(
      databaseOptions({
        url: await createTestDatabase('dboptions'),
        service: 'options-check',
        entities: [],
        migrations: [],
      }),
    );
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('never JIT-compiles a statement, whatever its estimated cost', async () => {
    // A query PostgreSQL estimates far above jit_above_cost (100,000 by default); EXPLAIN shows
    // the JIT compilation it would do, without running it.
    const [plan] = await dataSource.query<{ 'QUERY PLAN': unknown }[]>(
      `EXPLAIN (FORMAT JSON)
       SELECT count(*) FROM generate_series(1, 1000000) a, generate_series(1, 50) b WHERE a > b`,
    );
    const [explained] = plan['QUERY PLAN'] as [{ Plan: { 'Total Cost': number }; JIT?: unknown }];
    expect(explained.Plan['Total Cost']).toBeGreaterThan(100_000);
    expect(explained.JIT).toBeUndefined();
    const [{ jit }] = await dataSource.query<{ jit: string }[]>('SHOW jit');
    expect(jit).toBe('off');
  });

  it('pipelines its queries (pipelinedTransaction sends BEGIN with the first statement)', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as Client;
      expect(client.pipeline).toBe(true);
    } finally {
      await runner.release();
    }
  });
});
