import { DEFAULT_TRANSACTIONS_AT_ONCE, missingSaslVariables, SASL_VARIABLES } from '@app/messaging';
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

const DURATION = /^\d+(d|h|m|s)$/;
const DURATION_UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** Milliseconds of a validated duration such as `7d`, `12h`, `30m`, `45s`. */
export function durationMs(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof DURATION_UNIT_MS;
  return Number(duration.slice(0, -1)) * DURATION_UNIT_MS[unit];
}

/**
 * The one parser of a number from the environment: `@EnvNumber() @IsInt() @Min(1) X = 10`.
 * A value that is not a number becomes NaN, which the validators then refuse naming the variable.
 */
export const EnvNumber = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    value === undefined || typeof value === 'number' ? value : Number(value),
  );

/** How a run says what it is: only `development` (npm start, the tests) gets development secrets. */
export const RUN_MODES = ['development', 'production'] as const;
export type RunMode = (typeof RUN_MODES)[number];

interface SecretSpec {
  /** The value a development run gets when the variable is not set. */
  development: string;
  /** True for a value written in this repository (the development one and its like). */
  isDevelopmentValue: (value: string) => boolean;
}

const SECRETS = new WeakMap<object, Map<string, SecretSpec>>();

/** The values of the development and test runs start so: never accepted outside development. */
const DEVELOPMENT_VALUE = /^(dev|test)-/;

/**
 * Marks a secret: it has a default in development only; outside development a missing value, or
 * a value written in this repository (its development value, anything `dev-…` or `test-…`), stops
 * the service at boot naming the variable.
 */
export function Secret(
  development: string,
  isDevelopmentValue: (value: string) => boolean = (value) =>
    value === development || DEVELOPMENT_VALUE.test(value),
): PropertyDecorator {
  return (target, property) => {
    const own = SECRETS.get(target) ?? new Map<string, SecretSpec>();
    own.set(String(property), { development, isDevelopmentValue });
    SECRETS.set(target, own);
  };
}

/** The secrets of an environment class, its parents' included. */
export function secretsOf(envClass: new () => object): Map<string, SecretSpec> {
  const all = new Map<string, SecretSpec>();
  const chain: object[] = [];
  for (
    let p: object | null = envClass.prototype as object;
    p;
    p = Object.getPrototypeOf(p) as object | null
  )
    chain.unshift(p);
  for (const prototype of chain)
    for (const [name, spec] of SECRETS.get(prototype) ?? []) all.set(name, spec);
  return all;
}

/** Settings every service reads from its environment; apps extend it with their own. */
export class ServiceEnvironment {
  /** `development` only for npm start and the tests: it allows the development secrets below. */
  @IsIn(RUN_MODES, { message: `POLY_ENV must be one of ${RUN_MODES.join(', ')}` })
  POLY_ENV: RunMode = 'production';

  /**
   * The address HTTP listens on: the loopback interface unless told otherwise (the container
   * image sets 0.0.0.0, so that the ports compose publishes reach the service).
   */
  @Matches(/^[0-9A-Za-z.:_-]+$/, { message: 'HTTP_HOST must be an address or host name' })
  HTTP_HOST = '127.0.0.1';

  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(65535)
  HTTP_PORT!: number;

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @EnvNumber()
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
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(5000)
  MESSAGING_CHUNK_SIZE = 200;

  /**
   * Consumer transactions at once, each committing every chunk that waited for it, whatever its
   * partition (group commit, libs/messaging/src/consumer/group-commit.ts). 6: flooded, the
   * runtime alone was 8–15 % slower with one at a time (docs/performance.md, session 16).
   */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(64)
  MESSAGING_CONCURRENCY = DEFAULT_TRANSACTIONS_AT_ONCE;

  /**
   * Offsets of handled records are committed at most this often (and at shutdown), not after every
   * batch: each commit is a broker write with an fsync. A crash re-delivers at most this much,
   * which the inbox drops. 0 = after every batch.
   */
  @EnvNumber()
  @IsInt()
  @Min(0)
  MESSAGING_OFFSET_COMMIT_INTERVAL_MS = 1000;

  /**
   * Largest record batch the outbox relay sends to one partition, in bytes; keep it under the
   * broker's `message.max.bytes` (default 1,048,588). A row above it alone is parked.
   */
  @EnvNumber()
  @IsInt()
  @Min(1024)
  MESSAGING_MAX_BATCH_BYTES = 1_000_000;

  /**
   * Woken by a commit, the outbox relay waits this long (ms) before it drains, so the commits of
   * that moment go out together; each hop waits that much more. 0 = at once.
   */
  @EnvNumber()
  @IsInt()
  @Min(0)
  @Max(1000)
  MESSAGING_RELAY_LINGER_MS = 0;

  /**
   * The consumer's fetch waits until the broker holds this many bytes for it, or
   * MESSAGING_FETCH_MAX_WAIT_MS (fuller chunks at moderate rates, for up to that much latency).
   */
  @EnvNumber()
  @IsInt()
  @Min(1)
  MESSAGING_FETCH_MIN_BYTES = 1;

  /**
   * See MESSAGING_FETCH_MIN_BYTES; also how often an idle consumer fetches (readiness). A fetch
   * is answered as soon as a record arrives, so a longer wait costs no latency: 1 s instead of
   * 250 ms takes a third off what four idle services cost the broker and themselves
   * (docs/performance.md, session 11).
   */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(5000)
  MESSAGING_FETCH_MAX_WAIT_MS = 1000;

  /**
   * Key of the seal that vouches for a dead letter's original broker append time when ops
   * redrive it (libs/messaging/src/consumer/origin-seal.ts): the same for every instance of a
   * service, known to nobody else. A secret: required outside development.
   */
  @Secret('dev-only-dead-letter-seal-secret-change-me')
  @IsString()
  @MinLength(32, { message: 'DEAD_LETTER_SEAL_SECRET must be at least 32 characters' })
  DEAD_LETTER_SEAL_SECRET!: string;

  /** Replay horizon: how long handled event ids stay in the inbox (`<n>d|h|m|s`). */
  @Matches(DURATION, { message: 'INBOX_RETENTION must be a duration such as 7d, 12h, 30m' })
  INBOX_RETENTION = '7d';

  /** How often the inbox is pruned (`<n>d|h|m|s`; 0s = never). */
  @Matches(DURATION, { message: 'INBOX_PRUNE_INTERVAL must be a duration such as 10m, 30s' })
  INBOX_PRUNE_INTERVAL = '10m';

  /** AES-256-GCM key (base64 of 32 bytes) encrypting customers' names and emails at rest. */
  @Secret('ZGV2LW9ubHktcGlpLWtleS1jaGFuZ2UtbWUtMzJieXQ=')
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'PII_ENCRYPTION_KEY must be base64 of 32 bytes' })
  PII_ENCRYPTION_KEY!: string;

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

  /**
   * Bearer tokens and their roles: `token:ops,token:support,token:metrics,token:customer:<accountId>`;
   * a support token may name its holder's roster contact (`token:support:<contactId>`).
   * (`metrics` may only scrape /metrics). Outside development no token may be a `dev-`/`test-` one.
   */
  @Secret('dev-ops-token:ops,dev-support-token:support', (value) =>
    value.split(',').some((entry) => DEVELOPMENT_VALUE.test(entry.trim())),
  )
  @IsString()
  @Matches(
    /^[^,:\s]+:(ops|support(:[A-Za-z0-9_-]+)?|metrics|customer:[A-Za-z0-9_-]+)(,[^,:\s]+:(ops|support(:[A-Za-z0-9_-]+)?|metrics|customer:[A-Za-z0-9_-]+))*$/,
    {
      message:
        'API_TOKENS must be token:role[:id],... with role ops, support[:contactId], metrics or customer:accountId',
    },
  )
  API_TOKENS!: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export class ConfigError extends Error {}

/** Secrets: development values in development only; elsewhere each must be set, and not to those. */
function secretProblems(
  envClass: new () => object,
  raw: Record<string, unknown>,
  mode: unknown,
): string[] {
  const problems: string[] = [];
  for (const [name, spec] of secretsOf(envClass)) {
    const value = raw[name];
    if (mode === 'development') {
      if (value === undefined) raw[name] = spec.development;
    } else if (value === undefined) {
      problems.push(
        `  ${name}: required (a secret: it has a default only when POLY_ENV=development)`,
      );
    } else if (typeof value === 'string' && spec.isDevelopmentValue(value)) {
      problems.push(
        `  ${name}: is a development value written in the repository; set a secret of your own`,
      );
    }
  }
  return problems;
}

/** SASL is all three variables or none: one missing must not silently turn authentication off. */
function saslProblems(raw: Record<string, unknown>): string[] {
  const missing = missingSaslVariables(raw);
  const set = SASL_VARIABLES.filter((name) => !missing.includes(name));
  return missing.map(
    (name) => `  ${name}: required with ${set.join(' and ')} (SASL needs all three)`,
  );
}

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
  const problems = [...secretProblems(envClass, raw, raw.POLY_ENV), ...saslProblems(raw)];
  const config = plainToInstance(envClass, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  problems.push(
    ...errors
      .filter((e) => !problems.some((p) => p.startsWith(`  ${e.property}:`)))
      .map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`),
  );
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  return config;
}
