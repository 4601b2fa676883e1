import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { testInfrastructure, withDatabase } from './infrastructure';

export const TEST_DATABASE_PREFIX = 'rt_';

/** What createTestDatabase made in this process, for dropDatabasesCreatedHere. */
const createdHere: string[] = [];

/** A fresh, empty database for one test (the service's migrations create its tables). */
export async function createTestDatabase(label = 'db'): Promise<string> {
  const { postgresAdminUrl } = testInfrastructure();
  const name = `${TEST_DATABASE_PREFIX}${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  createdHere.push(name);
  return withDatabase(postgresAdminUrl, name);
}

/**
 * A fresh database (createTestDatabase) with a service's migrations run, and a data source on it
 * with these entities and options: what a test of that service's statements starts from.
 */
export async function migratedDataSource(
  label: string,
  options: Omit<PostgresConnectionOptions, 'type' | 'url'>,
): Promise<{ dataSource: DataSource; url: string }> {
  const url = await createTestDatabase(label);
  const dataSource = new DataSource({ type: 'postgres', url, ...options });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return { dataSource, url };
}

/**
 * Drops the databases createTestDatabase made in this process (the benchmark, once it is done:
 * kept, a few hundred runs' databases made every checkpoint sync thousands of files).
 */
export async function dropDatabasesCreatedHere(): Promise<void> {
  await dropDatabases(testInfrastructure().postgresAdminUrl, createdHere.splice(0));
}

/**
 * Drops these databases, ending their sessions first; with `bestEffort`, one that cannot be
 * dropped is left (another run may be creating or dropping it at this moment).
 */
export async function dropDatabases(
  adminUrl: string,
  names: string[],
  bestEffort = false,
): Promise<void> {
  if (names.length === 0) return;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of names) {
      const dropped = client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await (bestEffort ? dropped.catch(() => undefined) : dropped);
    }
  } finally {
    await client.end();
  }
}

/** Runs one query against a database (assertions on a service's state). */
export async function queryDatabase<T extends object = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
