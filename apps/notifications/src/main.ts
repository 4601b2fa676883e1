import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { loadNotificationsConfig } from './notifications.config';
import { NOTIFICATIONS_HTTP_STATUS } from './notifications.http-status';
import { NotificationsModule } from './notifications.module';

async function main(): Promise<void> {
  const env = loadNotificationsConfig();
  await bootstrapService(NotificationsModule.register(env), env, NOTIFICATIONS_HTTP_STATUS);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
