import { createHash } from 'node:crypto';
import { ClientBase, QueryResult } from 'pg';
import { EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import { arrayParameterTypes, ElementType, withBinaryArrays } from './binary-arrays';
import { coalesceWrites } from './coalesced-writes';

/** A statement that node-postgres prepares once per connection, then runs by name. */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** A prepared statement with the values of one run. */
export interface BoundStatement {
  readonly statement: PreparedStatement;
  readonly values: unknown[];
}

/** The array parameters of each statement sent in the binary format (binary-arrays.ts). */
const arrayParameters = new WeakMap<PreparedStatement, (ElementType | undefined)[]>();

/**
 * Declares a hot statement as prepared: PostgreSQL then parses and plans it once per connection
 * instead of on every run (about half of its CPU for the services' per-event statements). Named
 * after its text, so one text is one statement on every connection. Declare it once (a module
 * constant), not per call.
 */
export function preparedStatement(text: string): PreparedStatement {
  const name = `s_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  // toString: TypeORM's error log prints the query it was given. Held by a prototype, not as
  // properties of its own: node-postgres copies a query config's own properties descriptor by
  // descriptor on every run (`normalizeQueryConfig`), 0.9 ms of CPU a saga across the services in
  // a profile at 5 sagas/s; the copy keeps the prototype and reads them through it.
  const statement = Object.create(
    Object.freeze({ name, text, toString: () => text }),
  ) as PreparedStatement;
  arrayParameters.set(statement, arrayParameterTypes(text));
  return statement;
}

/**
 * Runs a prepared statement on the manager's connection (in its transaction) and answers as
 * `manager.query` does: the rows, `[rows, affected]` for UPDATE and DELETE, a QueryFailedError
 * (its failure logged as TypeORM logs one). node-postgres takes a `{ name, text }` config for a
 * named statement: that is all this relies on (and every test that reaches a prepared statement
 * goes through it).
 *
 * In a transaction the statement is handed to the connection before this returns, not after
 * TypeORM's own awaits: statements sent one after another with nothing awaited between them go
 * out in that order, together, on a connection that pipelines (`together`), in one write to its
 * socket (coalesceWrites).
 *
 * There, arrays for parameters the statement casts to an array (`$1::text[]`, and uuid,
 * timestamptz, int, bigint, boolean) go in PostgreSQL's binary format (binary-arrays.ts); a
 * failure is logged and reported with the values as given.
 */
export function runPrepared<T>(
  manager: EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T> {
  const runner = manager.queryRunner;
  // PostgresQueryRunner's connection, once connected: node-postgres's client.
  const connection =
    runner?.isTransactionActive && !runner.isReleased
      ? (runner as unknown as { databaseConnection?: ClientBase }).databaseConnection
      : undefined;
  if (!runner || !connection) return manager.query<T>(statement as unknown as string, values);
  coalesceWrites(connection);
  return answer<T>(
    connection.query(statement, wireValues(statement, values)),
    runner,
    statement,
    values,
  );
}

/**
 * The values to hand node-postgres for a run of this statement: its array parameters in the
 * binary format where they can be (binary-arrays.ts), the rest as given.
 */
export function wireValues(statement: PreparedStatement, values: unknown[]): unknown[] {
  return withBinaryArrays(arrayParameters.get(statement) ?? [], values);
}

async function answer<T>(
  sent: Promise<QueryResult>,
  runner: QueryRunner,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T> {
  try {
    const raw = await sent;
    return (
      raw.command === 'UPDATE' || raw.command === 'DELETE' ? [raw.rows, raw.rowCount] : raw.rows
    ) as T;
  } catch (error) {
    runner.connection.logger.logQueryError(error as Error, statement.text, values, runner);
    throw new QueryFailedError(statement.text, values, error as Error);
  }
}

/**
 * The answers of statements sent together, in their order, once all are in; the first failure if
 * any (the statements behind a failed one fail with it: its transaction is aborted).
 *
 * Pass the promises of `runPrepared` calls, or of methods that call it before any await of their
 * own, made one after another in the order PostgreSQL must run them: each is on the wire when the
 * next is made, so they cost one round trip, not one each. Nothing is left running on the
 * connection when this settles (unlike `Promise.all`, which gives up at the first failure).
 */
export async function together<T extends readonly unknown[]>(
  ...answers: { [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(answers);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map(
    (outcome) => (outcome as PromiseFulfilledResult<unknown>).value,
  ) as unknown as T;
}
