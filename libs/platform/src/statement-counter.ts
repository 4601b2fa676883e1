import { Client } from 'pg';
import { Counter, Registry } from 'prom-client';

export const DB_STATEMENTS_METRIC = 'db_statements_total';

interface CountedPrototype {
  query: (...args: unknown[]) => unknown;
  statementsCounted?: Counter;
}

/**
 * Counts every query (each `query` call, BEGIN and COMMIT included: a round trip; a query string
 * of several statements, as the outbox relay sends, counts once) any pg client of this process
 * sends, in `registry`: the benchmark divides them by the sagas it ran. Once per process;
 * a later call registers the same counter in its registry too.
 */
export function countStatements(registry: Registry): Counter {
  const prototype = Client.prototype as unknown as CountedPrototype;
  const counted = prototype.statementsCounted;
  if (counted) {
    if (!registry.getSingleMetric(DB_STATEMENTS_METRIC)) registry.registerMetric(counted);
    return counted;
  }
  const statements = new Counter({
    name: DB_STATEMENTS_METRIC,
    help: 'Queries (round trips) sent to PostgreSQL by this process (BEGIN and COMMIT included)',
    registers: [registry],
  });
  const query = prototype.query;
  prototype.query = function (this: Client, ...args: unknown[]): unknown {
    statements.inc();
    return query.apply(this, args);
  };
  prototype.statementsCounted = statements;
  return statements;
}
