import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { loadLicensingConfig } from './licensing.config';
import { LICENSING_HTTP_STATUS } from './licensing.http-status';
import { LicensingModule } from './licensing.module';

async function main(): Promise<void> {
  const env = loadLicensingConfig();
  await bootstrapService(LicensingModule.register(env), env, LICENSING_HTTP_STATUS);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
