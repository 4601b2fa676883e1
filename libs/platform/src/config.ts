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
  validateSync,
} from 'class-validator';

const DURATION = /^\d+(d|h|m|s)$/;
const DURATION_UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** Milliseconds of a validated duration such as `7d`, `12h`, `30m`, `45s`. */
export function durationMs(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof DURATION_UNIT_MS;
  return Number(duration.slice(0, -1)) * DURATION_UNIT_MS[unit];
}

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
   * Largest record batch the outbox relay sends to one partition, in bytes; keep it under the
   * broker's `message.max.bytes` (default 1,048,588). A row above it alone is parked.
   */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1024)
  MESSAGING_MAX_BATCH_BYTES = 1_000_000;

  /** Replay horizon: how long handled event ids stay in the inbox (`<n>d|h|m|s`). */
  @Matches(DURATION, { message: 'INBOX_RETENTION must be a duration such as 7d, 12h, 30m' })
  INBOX_RETENTION = '7d';

  /** How often the inbox is pruned (`<n>d|h|m|s`; 0s = never). */
  @Matches(DURATION, { message: 'INBOX_PRUNE_INTERVAL must be a duration such as 10m, 30s' })
  INBOX_PRUNE_INTERVAL = '10m';

  /** AES-256-GCM key (base64 of 32 bytes) encrypting customers' names and emails at rest. */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'PII_ENCRYPTION_KEY must be base64 of 32 bytes' })
  PII_ENCRYPTION_KEY = 'ZGV2LW9ubHktcGlpLWtleS1jaGFuZ2UtbWUtMzJieXQ=';

  /**
   * Earlier PII_ENCRYPTION_KEYs (base64, comma-separated) after a rotation: they only decrypt what
   * was encrypted under them (each value names its key's id). Billing and notifications share
   * the current key: billing seals the customer of `OrderPaid` for notifications.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/, {
    message: 'PII_ENCRYPTION_RETIRED_KEYS must be base64 keys of 32 bytes, comma-separated',
  })
  PII_ENCRYPTION_RETIRED_KEYS?: string;

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
