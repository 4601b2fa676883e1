import { EnvNumber, loadConfig, ServiceEnvironment } from '@app/platform';
import { IsInt, Max, Min } from 'class-validator';

/** Licensing's environment, validated at boot. */
export class LicensingEnvironment extends ServiceEnvironment {
  /** How often the scheduler looks for scheduled activations whose change window has opened. */
  @EnvNumber()
  @IsInt()
  @Min(50)
  @Max(60_000)
  ACTIVATION_SWEEP_MS = 500;
}

export function loadLicensingConfig(env: NodeJS.ProcessEnv = process.env): LicensingEnvironment {
  return loadConfig(
    LicensingEnvironment,
    {
      HTTP_PORT: '3003',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/reactivation_licensing',
    },
    env,
  );
}
