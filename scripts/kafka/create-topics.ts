/**
 * CLI: create and verify the saga's topics.
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/kafka/create-topics.ts
 * Env: KAFKA_BROKERS (comma-separated, default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (default empty).
 * Exits 1 when a topic exists with other partitions or config than specified.
 */
import { ensureTopics, formatTopicTable } from '@app/messaging';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const checks = await ensureTopics(brokers, prefix);
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
