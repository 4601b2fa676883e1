import 'reflect-metadata';
import { bootstrapService } from '@app/platform';
import { loadEligibilityConfig } from './eligibility.config';
import { ELIGIBILITY_HTTP_STATUS } from './eligibility.http-status';
import { EligibilityModule } from './eligibility.module';

async function main(): Promise<void> {
  const env = loadEligibilityConfig();
  await bootstrapService(EligibilityModule.register(env), env, ELIGIBILITY_HTTP_STATUS);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
