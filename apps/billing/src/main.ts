import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { loadBillingConfig } from './billing.config';
import { BillingModule } from './billing.module';

async function main(): Promise<void> {
  const env = loadBillingConfig();
  await bootstrapService(BillingModule.register(env), env.HTTP_PORT);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
