import { existsSync, readFileSync, rmSync } from 'node:fs';
import { deleteTopicsUnder, TEST_TOPIC_PREFIXES_FILE } from './test-topic-prefixes';

/** Runs once after the integration tests: deletes the topics this run created. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(TEST_TOPIC_PREFIXES_FILE) || !process.env.KAFKA_BROKERS) return;
  const prefixes = readFileSync(TEST_TOPIC_PREFIXES_FILE, 'utf8').split('\n').filter(Boolean);
  try {
    await deleteTopicsUnder(process.env.KAFKA_BROKERS.split(','), prefixes);
    rmSync(TEST_TOPIC_PREFIXES_FILE, { force: true });
  } catch (error) {
    // Not a test failure: the topics stay, and `kafka.sh reset` empties the broker.
    console.warn(`[test teardown] test topics not deleted: ${String(error)}`);
  }
}
