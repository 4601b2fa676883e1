/**
 * CLI: create and verify the saga's topics.
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/kafka/create-topics.ts
 * Env: KAFKA_BROKERS (comma-separated, default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (default empty);
 * on an authenticated broker KAFKA_SSL=true and KAFKA_SASL_MECHANISM (plain, scram-sha-256,
 * scram-sha-512) with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, all three or none.
 * Exits 1 when a topic exists with other partitions or config than specified.
 */
import { ensureTopics, formatTopicTable } from '@app/messaging';
import type { SASLOptions } from 'kafkajs';

/** SASL from the environment: all three variables or none (one missing is an error, not "off"). */
function saslFrom(env: NodeJS.ProcessEnv): SASLOptions | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username } = env;
  const password = env.KAFKA_SASL_PASSWORD;
  if (!mechanism && !username && !password) return undefined;
  if (!mechanism || !username || !password)
    throw new Error(
      'KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together',
    );
  if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512')
    throw new Error('KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512');
  return { mechanism, username, password };
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const checks = await ensureTopics(brokers, prefix, [], {
    ssl: process.env.KAFKA_SSL === 'true',
    sasl: saslFrom(process.env),
  });
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

main().catch((err: unknown) => {
  console.error('kafka: creating topics failed:', err);
  process.exit(1);
});
