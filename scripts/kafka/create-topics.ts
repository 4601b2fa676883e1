/**
 * CLI: create and verify the saga's topics.
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/kafka/create-topics.ts
 * Env: KAFKA_BROKERS (comma-separated, default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (default empty);
 * on an authenticated broker KAFKA_SSL=true and KAFKA_SASL_MECHANISM (plain, scram-sha-256,
 * scram-sha-512) with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, all three or none.
 * A topic that exists with another config than specified is altered to it (a broker kept from
 * an earlier version converges); exits 1 when a topic has other partitions than specified.
 */
import { topicSpecs } from '@app/contracts';
import { ensureTopics, formatTopicTable, saslFrom, TopicCheck } from '@app/messaging';
import { ConfigResourceTypes, logLevel, SASLOptions } from 'kafkajs';
import { kafkaClient } from '@app/messaging';

const ALTER_SETTLE_MS = 15_000;

interface Connection {
  ssl: boolean;
  sasl?: SASLOptions;
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const connection: Connection = {
    ssl: process.env.KAFKA_SSL === 'true',
    sasl: saslFrom(process.env),
  };
  let checks = await ensureTopics(brokers, prefix, [], connection);
  const altered = await alterConfigs(brokers, prefix, checks, connection);
  if (altered.length > 0) {
    console.log(`kafka: config altered to the spec on ${altered.join(', ')}`);
    // The broker applies an alter through its metadata log: it shows a moment later.
    const until = Date.now() + ALTER_SETTLE_MS;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      checks = await ensureTopics(brokers, prefix, [], connection);
    } while (checks.some((c) => c.problems.length > 0) && Date.now() < until);
  }
  console.log(formatTopicTable(checks));
  const bad = checks.filter((c) => c.problems.length > 0);
  if (bad.length > 0) {
    console.error(
      `kafka: ${bad.length} topic(s) differ from topicSpecs(); ` +
        'delete them or run `bash scripts/kafka/kafka.sh reset` for a fresh broker',
    );
    process.exit(1);
  }
  const created = checks.filter((c) => c.created).length;
  console.log(`kafka: ${checks.length} topics ok (${created} created) on ${brokers.join(',')}`);
}

/**
 * Sets the specified config on every topic whose partitions are right but whose config is not
 * (partitions cannot be changed without reordering keys: those stay an error). The whole spec
 * config is given, since a non-incremental alter resets what it does not name to the defaults.
 */
async function alterConfigs(
  brokers: string[],
  prefix: string,
  checks: TopicCheck[],
  connection: Connection,
): Promise<string[]> {
  const specs = new Map(topicSpecs().map((s) => [prefix + s.name, s]));
  const drifted = checks.filter(
    (c) => c.partitions === c.expectedPartitions && c.problems.length > 0 && specs.has(c.topic),
  );
  if (drifted.length === 0) return [];
  const admin = kafkaClient({
    clientId: 'create-topics',
    brokers,
    logLevel: logLevel.ERROR,
    ...connection,
  }).admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: drifted.map((c) => ({
        type: ConfigResourceTypes.TOPIC,
        name: c.topic,
        configEntries: Object.entries(specs.get(c.topic)!.config).map(([name, value]) => ({
          name,
          value,
        })),
      })),
    });
  } finally {
    await admin.disconnect();
  }
  return drifted.map((c) => c.topic);
}

main().catch((err: unknown) => {
  console.error('kafka: creating topics failed:', err);
  process.exit(1);
});
