import { ConsumerGroup } from '@app/contracts';
import { MessagingOptions, saslFrom } from '@app/messaging';
import { durationMs, ServiceEnvironment } from './config';

/** The runtime's options from the validated environment. */
export function messagingOptionsFrom(
  env: ServiceEnvironment,
  service: { name: string; group: ConsumerGroup | string },
  extra: Partial<MessagingOptions> = {},
): MessagingOptions {
  return {
    source: `poly.reactivation.${service.name}`,
    group: service.group,
    clientId: `reactivation-${service.name}`,
    brokers: env.KAFKA_BROKERS.split(','),
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    ssl: env.KAFKA_SSL,
    sasl: saslFrom(env),
    chunkSize: env.MESSAGING_CHUNK_SIZE,
    transactionsAtOnce: env.MESSAGING_CONCURRENCY,
    offsetCommitIntervalMs: env.MESSAGING_OFFSET_COMMIT_INTERVAL_MS,
    maxBatchBytes: env.MESSAGING_MAX_BATCH_BYTES,
    relayLingerMs: env.MESSAGING_RELAY_LINGER_MS,
    fetchMinBytes: env.MESSAGING_FETCH_MIN_BYTES,
    fetchMaxWaitMs: env.MESSAGING_FETCH_MAX_WAIT_MS,
    inboxRetentionMs: durationMs(env.INBOX_RETENTION),
    inboxPruneIntervalMs: durationMs(env.INBOX_PRUNE_INTERVAL),
    deadLetterSealSecret: env.DEAD_LETTER_SEAL_SECRET,
    ...extra,
  };
}
