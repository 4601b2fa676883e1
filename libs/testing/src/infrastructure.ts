/**
 * Where tests find a broker and a database. The jest global setup decides once per run and
 * exports the answer as environment variables, in this order of preference:
 * 1. `KAFKA_BROKERS` and `TEST_POSTGRES_URL` given by whoever runs the tests;
 * 2. testcontainers (Kafka + PostgreSQL containers) when a Docker engine answers;
 * 3. the project's own local broker (scripts/kafka/kafka.sh) and the local PostgreSQL server.
 */
export interface TestInfrastructure {
  brokers: string[];
  /** A URL of the server's maintenance database, used to create a database per test. */
  postgresAdminUrl: string;
}

export const DEFAULT_LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

export function testInfrastructure(): TestInfrastructure {
  return {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    postgresAdminUrl: process.env.TEST_POSTGRES_URL ?? DEFAULT_LOCAL_POSTGRES,
  };
}

/** Replaces the database name of a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
