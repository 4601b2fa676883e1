import { KafkaConfig, KafkaMessage, SASLOptions } from 'kafkajs';
import type { RecordOrigin } from '../consumer/event-context';

/** Consumer transactions at once, unless a service says otherwise (MessagingOptions). */
export const DEFAULT_TRANSACTIONS_AT_ONCE = 6;

/** What a service tells the runtime about itself and its broker. */
export interface MessagingOptions {
  /** CloudEvents `source` of what this service emits, e.g. `poly.reactivation.billing`. */
  source: string;
  /** Consumer group (one of ConsumerGroups for the four services); names its dead-letter topic. */
  group: string;
  brokers: string[];
  clientId: string;
  /** Prefix of the physical topic names (empty in production, one per test run). */
  topicPrefix: string;
  ssl?: boolean;
  sasl?: SASLOptions;
  /** At most this many records per database transaction (a chunk; chunks of several partitions share one). */
  chunkSize?: number;
  /**
   * Transactions at once, each committing every chunk that waited for it (group commit,
   * consumer/group-commit.ts; kafkajs hands over the batches of every partition side by side).
   * Default DEFAULT_TRANSACTIONS_AT_ONCE. One keeps the consumer's transactions out of each
   * other's locks.
   */
  transactionsAtOnce?: number;
  /**
   * Key of the HMAC seal that vouches for a dead letter's original append time when it is
   * redriven (consumer/origin-seal.ts). The service's own secret: every instance of it holds
   * the same one, nobody else does.
   */
  deadLetterSealSecret: string;
  /** Readiness fails when the consumer has not heard from the broker for this long (ms). */
  brokerSilenceMs?: number;
  /**
   * Checks a record's authenticity before its event is validated (throws
   * DecodeError('UNAUTHENTICATED')). `parsed`: the value as JSON, parsed once for the hook and the
   * decoder (undefined when it is not JSON: the decoder refuses it next, with its own reason).
   */
  authenticate?: (record: RecordOrigin, message: KafkaMessage, parsed: unknown) => void;
  /** Consumer session timeout: how long a crashed member keeps its partitions. */
  sessionTimeoutMs?: number;
  /**
   * Handled records' offsets are committed at most this often and at shutdown (default 1000;
   * 0 = after every batch). Tests of the crash window use a long one.
   */
  offsetCommitIntervalMs?: number;
  /** Outbox sweep period (the relay is also woken in process after each commit). */
  relaySweepMs?: number;
  /**
   * Woken by a commit, the relay waits this long before it drains, so that the commits of that
   * moment go out in one drain (fewer, fuller produce requests) at the cost of that much latency
   * per hop. Default 0: drain at once.
   */
  relayLingerMs?: number;
  /**
   * The consumer's fetch: the broker answers once it holds `fetchMinBytes` for it or after
   * `fetchMaxWaitMs` (kafkajs `minBytes` / `maxWaitTimeInMs`; defaults 1 and 1000 ms). A larger
   * minimum coalesces records into fuller chunks at moderate rates, each hop waiting up to the
   * maximum for them.
   */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /**
   * Largest record batch the relay sends to one partition (default 1,000,000 bytes, under the
   * broker's default `message.max.bytes` of 1,048,588). A row above it alone is parked.
   */
  maxBatchBytes?: number;
  /** How long handled event ids stay in the inbox: the replay horizon (default 7 days). */
  inboxRetentionMs?: number;
  /** How often the inbox pruner runs (default every 10 minutes; 0 = never). */
  inboxPruneIntervalMs?: number;
}

/** SASL is all three variables or none: one missing must never turn authentication off. */
export const SASL_VARIABLES = [
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
] as const;
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
type SaslVariables = Partial<Record<(typeof SASL_VARIABLES)[number], string>>;

/** The SASL variables missing beside those given (none when all three or none are given). */
export function missingSaslVariables(env: Readonly<Record<string, unknown>>): string[] {
  const given = SASL_VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '');
  return given.length === 0 ? [] : SASL_VARIABLES.filter((name) => !given.includes(name));
}

/**
 * The broker's SASL options from the environment (services, the ops CLI, topic creation): none
 * when no SASL variable is set; an error, never "off", when the three are not all there.
 */
export function saslFrom(env: SaslVariables): SASLOptions | undefined {
  const missing = missingSaslVariables(env);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} required (SASL needs all three)`);
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username } = env;
  const password = env.KAFKA_SASL_PASSWORD;
  if (!mechanism || !username || !password) return undefined;
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new Error(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}`);
  }
  return { mechanism, username, password } as SASLOptions;
}

export function kafkaClientConfig(options: MessagingOptions): KafkaConfig {
  return {
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl,
    sasl: options.sasl,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, retries: 8 },
  };
}

/** Logical topic (as in the contracts) ↔ physical topic on the broker. */
export class TopicNames {
  constructor(private readonly prefix: string) {}

  physical(logical: string): string {
    return this.prefix + logical;
  }

  logical(physical: string): string {
    return this.prefix && physical.startsWith(this.prefix)
      ? physical.slice(this.prefix.length)
      : physical;
  }
}
