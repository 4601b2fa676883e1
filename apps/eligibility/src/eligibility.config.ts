import { EnvNumber, loadConfig, ServiceEnvironment } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { IsInt, Matches, Max, Min } from 'class-validator';

/** Eligibility's environment, validated at boot. */
export class EligibilityEnvironment extends ServiceEnvironment {
  /** Regions whose accounts this product may reactivate (billing has fee schedules for these). */
  @Matches(/^[A-Z]{2,8}(,[A-Z]{2,8})*$/, {
    message: 'SUPPORTED_REGIONS must be a comma-separated list of region codes (EU,US,...)',
  })
  SUPPORTED_REGIONS = 'EU,US,UK,JP';

  /** How long ops have to decide a compliance review before it is rejected (DOCUMENTS_EXPIRED). */
  @EnvNumber()
  @IsInt()
  @Min(1)
  REVIEW_DEADLINE_SECONDS = 172_800;

  /** How often the review deadline sweep looks for overdue reviews. */
  @EnvNumber()
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  REVIEW_SWEEP_MS = 1000;

  /**
   * How long an order for an account not known yet waits for the account's snapshot (it comes on
   * another topic and may be overtaken) before it is rejected with ACCOUNT_NOT_FOUND. 0: no wait.
   */
  @EnvNumber()
  @IsInt()
  @Min(0)
  ACCOUNT_WAIT_SECONDS = 60;

  /** How often orders awaiting their account are looked for (deadline passed, account known). */
  @EnvNumber()
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  ACCOUNT_WAIT_SWEEP_MS = 1000;

  supportedRegions(): string[] {
    return this.SUPPORTED_REGIONS.split(',');
  }
}

export function loadEligibilityConfig(
  env: NodeJS.ProcessEnv = process.env,
): EligibilityEnvironment {
  return loadConfig(
    EligibilityEnvironment,
    {
      HTTP_PORT: '3002',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/reactivation_eligibility',
    },
    env,
  );
}

/** Makes the validated environment injectable (`constructor(env: EligibilityEnvironment)`) everywhere. */
@Module({})
export class EligibilityConfigModule {
  static register(env: EligibilityEnvironment): DynamicModule {
    return {
      module: EligibilityConfigModule,
      global: true,
      providers: [{ provide: EligibilityEnvironment, useValue: env }],
      exports: [EligibilityEnvironment],
    };
  }
}
