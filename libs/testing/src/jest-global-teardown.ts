import { existsSync, readFileSync, rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { TEST_TOPIC_PREFIXES_FILE } from './test-topic-prefixes';

/**
 * Runs once after the integration tests: deletes the topics this run created. Each test makes a
 * fresh set of ~70 partitions; a local broker that kept them all would, after a few runs, hold
 * ~20,000 partitions and stop on "Too many open files" (this machine allows a process 20,000).
 */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(TEST_TOPIC_PREFIXES_FILE) || !process.env.KAFKA_BROKERS) return;
  const prefixes = readFileSync(TEST_TOPIC_PREFIXES_FILE, 'utf8').split('\n').filter(Boolean);
  // Jest loads its global teardown without the tests' module mapper, so no @app alias (and no
  // kafkaClient()) here: a plain admin client, only for deleting topics.
  // eslint-disable-next-line no-restricted-syntax
  const admin = new Kafka({
    clientId: 'test-teardown',
    brokers: process.env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const ours = (await admin.listTopics()).filter((topic) =>
      prefixes.some((prefix) => topic.startsWith(prefix)),
    );
    for (let i = 0; i < ours.length; i += 200) {
      await admin.deleteTopics({ topics: ours.slice(i, i + 200), timeout: 60_000 });
    }
    rmSync(TEST_TOPIC_PREFIXES_FILE, { force: true });
  } catch (error) {
    // Not a test failure: the topics stay, and `kafka.sh reset` empties the broker.
    console.warn(`[test teardown] test topics not deleted: ${String(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
