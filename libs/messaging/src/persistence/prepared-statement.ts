import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';

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
  return Object.create(Object.freeze({ name, text, toString: () => text })) as PreparedStatement;
}

/**
 * Runs a prepared statement on the manager's connection (in its transaction) and answers as
 * `manager.query` does: the rows, `[rows, affected]` for UPDATE and DELETE, a QueryFailedError.
 * TypeORM hands its query to node-postgres as given, and node-postgres takes a `{ name, text }`
 * config for a named statement: that is all this relies on (and every test that reaches a
 * prepared statement goes through it).
 */
export function runPrepared<T>(
  manager: EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T> {
  return manager.query<T>(statement as unknown as string, values);
}
