import { createTestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

/**
 * A fresh database with one table, `facts (name text PRIMARY KEY)`, behind a pool of one
 * connection (the one `watchConnection` watches is the one every transaction uses), pipelining
 * or not: what the tests of the runtime's persistence helpers write to.
 */
export async function factsDatabase(label: string, pipeline: boolean): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: await createTestDatabase(label),
    extra: { max: 1, pipeline },
  });
  await dataSource.initialize();
  await dataSource.query('CREATE TABLE facts (name text PRIMARY KEY)');
  return dataSource;
}

/** Every fact committed, by name. */
export async function factNames(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query('SELECT name FROM facts ORDER BY name');
  return rows.map((row) => row.name);
}
