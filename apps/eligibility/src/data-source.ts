import 'reflect-metadata';
import { databaseOptions } from '@app/platform';
import { DataSource, DataSourceOptions } from 'typeorm';
import { loadEligibilityConfig } from './eligibility.config';
import { ELIGIBILITY_ENTITIES, ELIGIBILITY_MIGRATIONS } from './eligibility.persistence';

/** Eligibility's database, used by the app and by the TypeORM CLI (migrations). */
export function eligibilityDataSourceOptions(env = loadEligibilityConfig()): DataSourceOptions {
  return databaseOptions({
    url: env.DATABASE_URL,
    service: 'eligibility',
    entities: ELIGIBILITY_ENTITIES,
    migrations: ELIGIBILITY_MIGRATIONS,
    poolSize: env.DATABASE_POOL_SIZE,
  });
}

export default new DataSource(eligibilityDataSourceOptions());
