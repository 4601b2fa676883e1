import 'reflect-metadata';
import { databaseOptions } from '@app/platform';
import { DataSource, DataSourceOptions } from 'typeorm';
import { loadNotificationsConfig } from './notifications.config';
import { NOTIFICATIONS_ENTITIES, NOTIFICATIONS_MIGRATIONS } from './notifications.persistence';

/** Notifications's database, used by the app and by the TypeORM CLI (migrations). */
export function notificationsDataSourceOptions(env = loadNotificationsConfig()): DataSourceOptions {
  return databaseOptions({
    url: env.DATABASE_URL,
    service: 'notifications',
    entities: NOTIFICATIONS_ENTITIES,
    migrations: NOTIFICATIONS_MIGRATIONS,
    poolSize: env.DATABASE_POOL_SIZE,
  });
}

export default new DataSource(notificationsDataSourceOptions());
