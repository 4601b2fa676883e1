import { logLevel } from 'kafkajs';
import { join } from 'node:path';
// Relative, not '@app/messaging': jest's global teardown loads this file without the aliases.
import { kafkaClient } from '../../messaging/src/kafka/kafka-client';

/**
 * The topic prefixes this checkout's test runs created (one a line); the integration run's global
 * teardown deletes their topics. No alias imports here: jest's global teardown loads it as is.
 */
export const TEST_TOPIC_PREFIXES_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  '.cache',
  'test-topic-prefixes',
);

/**
 * Deletes every topic whose name starts with one of `prefixes`. Each test or benchmark run makes a
 * fresh set of ~70 partitions; a local broker that kept them all does periodic work for each (and
 * after enough runs, ~20,000 partitions, stops on "Too many open files").
 */
export async function deleteTopicsUnder(brokers: string[], prefixes: string[]): Promise<void> {
  // The project's client (kafkajs's idle timer corrected: the teardown printed Node's
  // TimeoutNegativeWarning at the end of every integration run without it).
  const admin = kafkaClient({
    clientId: 'test-topics-cleanup',
    brokers,
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
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
