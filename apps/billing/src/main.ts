import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { loadBillingConfig } from './billing.config';
import { BILLING_HTTP_STATUS } from './billing.http-status';
import { BillingModule } from './billing.module';

async function main(): Promise<void> {
  const env = loadBillingConfig();
  await bootstrapService(BillingModule.register(env), env, BILLING_HTTP_STATUS);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
