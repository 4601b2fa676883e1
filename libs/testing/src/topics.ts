import { ensureTopics } from '@app/messaging';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { testInfrastructure } from './infrastructure';
import { deleteTopicsUnder, TEST_TOPIC_PREFIXES_FILE } from './test-topic-prefixes';

const createdHere: string[] = [];

/**
 * Every topic of the system under a fresh prefix: a test's services, recorders and publishers
 * use that prefix (KAFKA_TOPIC_PREFIX) and never see another test's events. `extraGroups` adds
 * dead-letter topics for consumer groups other than the four services' (test fixtures).
 */
export async function createTestTopics(extraGroups: string[] = []): Promise<string> {
  const prefix = `t${randomBytes(4).toString('hex')}.`;
  createdHere.push(prefix);
  mkdirSync(dirname(TEST_TOPIC_PREFIXES_FILE), { recursive: true });
  appendFileSync(TEST_TOPIC_PREFIXES_FILE, `${prefix}\n`);
  const checks = await ensureTopics(testInfrastructure().brokers, prefix, extraGroups);
  const bad = checks.filter((check) => check.problems.length > 0);
  if (bad.length > 0) throw new Error(`topics not as specified: ${JSON.stringify(bad)}`);
  return prefix;
}

/**
 * Deletes the topics createTestTopics made in this process (the benchmark, once it is done: a
 * deletion while the next run creates its topics delayed their leaders past kafkajs's wait).
 */
export async function deleteTopicsCreatedHere(): Promise<void> {
  await deleteTopicsUnder(testInfrastructure().brokers, createdHere.splice(0));
}
