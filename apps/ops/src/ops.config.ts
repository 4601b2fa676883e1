import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  validateSync,
} from 'class-validator';
import { missingSaslVariables, SASL_VARIABLES, saslFrom } from '@app/messaging';
import type { KafkaConfig } from 'kafkajs';
import { OpsError } from './cli/ops-error';
import { ServiceUrls } from './services/service-api';

const HTTP_URL = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

/** The CLI's environment: where the broker and the services' HTTP APIs are. */
export class OpsEnvironment {
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port]',
  })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Prefix of the physical topic names, as the services run with. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'KAFKA_TOPIC_PREFIX may hold letters, digits, . _ -' })
  KAFKA_TOPIC_PREFIX = '';

  @IsUrl(HTTP_URL, { message: 'BILLING_URL must be an http(s) URL' })
  BILLING_URL = 'http://127.0.0.1:3001';

  @IsUrl(HTTP_URL, { message: 'ELIGIBILITY_URL must be an http(s) URL' })
  ELIGIBILITY_URL = 'http://127.0.0.1:3002';

  @IsUrl(HTTP_URL, { message: 'LICENSING_URL must be an http(s) URL' })
  LICENSING_URL = 'http://127.0.0.1:3003';

  @IsUrl(HTTP_URL, { message: 'NOTIFICATIONS_URL must be an http(s) URL' })
  NOTIFICATIONS_URL = 'http://127.0.0.1:3004';

  /** The operator's API token (ops or support role): `saga` reads the services' state with it. */
  @IsOptional() @IsString() OPS_API_TOKEN?: string;

  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  KAFKA_SSL = false;

  /** The ops user on an authenticated broker: all three or none. */
  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @IsOptional() @IsString() KAFKA_SASL_USERNAME?: string;
  @IsOptional() @IsString() KAFKA_SASL_PASSWORD?: string;

  serviceUrls(): ServiceUrls {
    return {
      billing: this.BILLING_URL,
      eligibility: this.ELIGIBILITY_URL,
      licensing: this.LICENSING_URL,
      notifications: this.NOTIFICATIONS_URL,
    };
  }

  brokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }

  kafkaConnection(): Pick<KafkaConfig, 'ssl' | 'sasl'> {
    return { ssl: this.KAFKA_SSL, sasl: saslFrom(this) };
  }
}

export function loadOpsConfig(env: NodeJS.ProcessEnv): OpsEnvironment {
  // The optional SASL fields have no default, so no own key on a fresh instance: named here.
  const given = Object.fromEntries(
    [...Object.keys(new OpsEnvironment()), ...SASL_VARIABLES, 'OPS_API_TOKEN']
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  // An empty prefix is meaningful (production), so it is taken even when empty.
  if (env.KAFKA_TOPIC_PREFIX !== undefined) given.KAFKA_TOPIC_PREFIX = env.KAFKA_TOPIC_PREFIX;
  const config = plainToInstance(OpsEnvironment, given);
  const errors = validateSync(config);
  const missingSasl = missingSaslVariables(given);
  if (errors.length > 0 || missingSasl.length > 0) {
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    if (missingSasl.length > 0)
      problems.push(`${SASL_VARIABLES.join(', ')} go together (SASL needs all three)`);
    throw new OpsError(
      `invalid environment: ${problems.join('; ')}`,
      'fix the variable and run again',
    );
  }
  return config;
}
