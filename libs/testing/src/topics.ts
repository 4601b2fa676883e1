import { ensureTopics } from '@app/messaging';
import { randomBytes } from 'node:crypto';
import { testInfrastructure } from './infrastructure';

/**
 * Every topic of the system under a fresh prefix: a test's services, recorders and publishers
 * use that prefix (KAFKA_TOPIC_PREFIX) and never see another test's events. `extraGroups` adds
 * dead-letter topics for consumer groups other than the four services' (test fixtures).
 */
export async function createTestTopics(extraGroups: string[] = []): Promise<string> {
  const prefix = `t${randomBytes(4).toString('hex')}.`;
  const checks = await ensureTopics(testInfrastructure().brokers, prefix, extraGroups);
  const bad = checks.filter((check) => check.problems.length > 0);
  if (bad.length > 0) throw new Error(`topics not as specified: ${JSON.stringify(bad)}`);
  return prefix;
}
