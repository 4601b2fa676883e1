import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** Settings every service reads from its environment; apps extend it with their own. */
export class ServiceEnvironment {
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(65535)
  HTTP_PORT!: number;

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(2)
  @Max(100)
  DATABASE_POOL_SIZE = 10;

  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port]',
  })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/)
  KAFKA_TOPIC_PREFIX = '';

  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  KAFKA_SSL = false;

  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @IsOptional() @IsString() KAFKA_SASL_USERNAME?: string;
  @IsOptional() @IsString() KAFKA_SASL_PASSWORD?: string;

  /** Records per consumer transaction. */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(5000)
  MESSAGING_CHUNK_SIZE = 200;

  /**
   * Partitions handled at once, each in its own transaction. As many as a topic has partitions
   * (6): at 25 sagas/s, p50/p95/p99 304/697/905 ms against 504/1209/1526 ms with 3 (docs/performance.md).
   */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(64)
  MESSAGING_CONCURRENCY = 6;

  /**
   * Offsets of handled records are committed at most this often (and at shutdown), not after every
   * batch: each commit is a broker write with an fsync. A crash re-delivers at most this much,
   * which the inbox drops. 0 = after every batch.
   */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(0)
  MESSAGING_OFFSET_COMMIT_INTERVAL_MS = 1000;

  /**
   * Key of the seal that vouches for a dead letter's original broker append time when ops
   * redrive it (libs/messaging/src/consumer/origin-seal.ts): the same for every instance of a
   * service, known to nobody else. A secret: required outside development.
   */
  @IsString()
  @MinLength(32, { message: 'DEAD_LETTER_SEAL_SECRET must be at least 32 characters' })
  DEAD_LETTER_SEAL_SECRET = 'dev-only-dead-letter-seal-secret-change-me';

  /** AES-256-GCM key (base64 of 32 bytes) encrypting customers' names and emails at rest. */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'PII_ENCRYPTION_KEY must be base64 of 32 bytes' })
  PII_ENCRYPTION_KEY = 'ZGV2LW9ubHktcGlpLWtleS1jaGFuZ2UtbWUtMzJieXQ=';

  /** Bearer tokens and their roles: `token:ops,token:support,token:customer:<accountId>`. */
  @IsString()
  @Matches(
    /^[^,:\s]+:(ops|support|customer:[A-Za-z0-9_-]+)(,[^,:\s]+:(ops|support|customer:[A-Za-z0-9_-]+))*$/,
    {
      message: 'API_TOKENS must be token:role[:accountId],... with role ops, support or customer',
    },
  )
  API_TOKENS = 'dev-ops-token:ops,dev-support-token:support';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export class ConfigError extends Error {}

/**
 * Reads and validates the environment at boot: a service with bad config refuses to start and
 * says which variable is wrong.
 */
export function loadConfig<T extends object>(
  envClass: new () => T,
  defaults: Partial<Record<keyof T, string>> = {},
  env: NodeJS.ProcessEnv = process.env,
): T {
  const raw: Record<string, unknown> = { ...defaults };
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && value !== '') raw[name] = value;
  const config = plainToInstance(envClass, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const details = errors
      .map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`)
      .join('\n');
    throw new ConfigError(`invalid configuration:\n${details}`);
  }
  return config;
}
