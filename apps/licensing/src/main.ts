import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { loadLicensingConfig } from './licensing.config';
import { LicensingModule } from './licensing.module';

async function main(): Promise<void> {
  const env = loadLicensingConfig();
  await bootstrapService(LicensingModule.register(env), env.HTTP_PORT);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
