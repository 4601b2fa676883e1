import 'reflect-metadata';
import { databaseOptions } from '@app/platform';
import { DataSource, DataSourceOptions } from 'typeorm';
import { loadLicensingConfig } from './licensing.config';
import { LICENSING_ENTITIES, LICENSING_MIGRATIONS } from './licensing.persistence';

/** Licensing's database, used by the app and by the TypeORM CLI (migrations). */
export function licensingDataSourceOptions(env = loadLicensingConfig()): DataSourceOptions {
  return databaseOptions({
    url: env.DATABASE_URL,
    service: 'licensing',
    entities: LICENSING_ENTITIES,
    migrations: LICENSING_MIGRATIONS,
    poolSize: env.DATABASE_POOL_SIZE,
  });
}

export default new DataSource(licensingDataSourceOptions());
