import { messagingMigrations } from '@app/messaging';
import { DataSourceOptions, MixedList } from 'typeorm';

/**
 * TypeORM options of a service's own database: no synchronize, real migrations (the runtime's
 * tables first), run at boot so a fresh database comes up ready.
 */
export function databaseOptions(params: {
  url: string;
  service: string;
  entities: MixedList<Function>;
  migrations: Function[];
  poolSize?: number;
}): DataSourceOptions {
  return {
    type: 'postgres',
    url: params.url,
    applicationName: `reactivation-${params.service}`,
    entities: params.entities,
    migrations: [...messagingMigrations, ...params.migrations],
    migrationsTableName: 'schema_migrations',
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    // No JIT: the services' statements run in milliseconds, and PostgreSQL compiled any whose
    // estimated cost passed jit_above_cost (licensing's read of a batch's accounts: 1.6–12.5 ms
    // of compilation per execution on average, 53–660 ms a flood, in pg_stat_statements' jit
    // counters).
    // Pipelining: a query is sent without waiting for the answers of those before it on the
    // connection; pipelinedTransaction sends BEGIN with its first statement that way.
    extra: { max: params.poolSize ?? 10, options: '-c jit=off', pipeline: true },
  };
}
