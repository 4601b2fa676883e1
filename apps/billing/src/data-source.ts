import 'reflect-metadata';
import { databaseOptions } from '@app/platform';
import { DataSource, DataSourceOptions } from 'typeorm';
import { loadBillingConfig } from './billing.config';
import { BILLING_ENTITIES, BILLING_MIGRATIONS } from './billing.persistence';

/** Billing's database, used by the app and by the TypeORM CLI (migrations). */
export function billingDataSourceOptions(env = loadBillingConfig()): DataSourceOptions {
  return databaseOptions({
    url: env.DATABASE_URL,
    service: 'billing',
    entities: BILLING_ENTITIES,
    migrations: BILLING_MIGRATIONS,
    poolSize: env.DATABASE_POOL_SIZE,
  });
}

export default new DataSource(billingDataSourceOptions());
