import { plainToInstance } from 'class-transformer';
import { IsString, Matches, validateSync } from 'class-validator';
import { OpsError } from './cli/ops-error';

const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;

/** The CLI's environment: where the broker is and where each service keeps its state. */
export class OpsEnvironment {
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port]',
  })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Prefix of the physical topic names, as the services run with. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'KAFKA_TOPIC_PREFIX may hold letters, digits, . _ -' })
  KAFKA_TOPIC_PREFIX = '';

  @Matches(POSTGRES_URL, { message: 'BILLING_DATABASE_URL must be a postgres:// URL' })
  BILLING_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/reactivation_billing';

  @Matches(POSTGRES_URL, { message: 'ELIGIBILITY_DATABASE_URL must be a postgres:// URL' })
  ELIGIBILITY_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/reactivation_eligibility';

  @Matches(POSTGRES_URL, { message: 'LICENSING_DATABASE_URL must be a postgres:// URL' })
  LICENSING_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/reactivation_licensing';

  @Matches(POSTGRES_URL, { message: 'NOTIFICATIONS_DATABASE_URL must be a postgres:// URL' })
  NOTIFICATIONS_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/reactivation_notifications';

  brokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }
}

export function loadOpsConfig(env: NodeJS.ProcessEnv): OpsEnvironment {
  const given = Object.fromEntries(
    Object.keys(new OpsEnvironment())
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  // An empty prefix is meaningful (production), so it is taken even when empty.
  if (env.KAFKA_TOPIC_PREFIX !== undefined) given.KAFKA_TOPIC_PREFIX = env.KAFKA_TOPIC_PREFIX;
  const config = plainToInstance(OpsEnvironment, given);
  const errors = validateSync(config);
  if (errors.length > 0) {
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new OpsError(
      `invalid environment: ${problems.join('; ')}`,
      'fix the variable and run again',
    );
  }
  return config;
}
