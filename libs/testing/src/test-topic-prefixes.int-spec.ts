/**
 * The integration run's global teardown deletes the topics its tests made, in jest's own process
 * (outside the tests' module registries), through `deleteTopicsUnder`. Run here as the teardown
 * runs it, in a process of its own against the real broker: the topics under the prefix are gone,
 * and the process prints no warning (kafkajs's uncorrected idle timer made Node 24 print
 * TimeoutNegativeWarning at the end of every integration run).
 */
import { kafkaClient } from '@app/messaging';
import { packageRoot } from '@app/platform';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { logLevel } from 'kafkajs';
import { testInfrastructure } from './infrastructure';

const MODULE = join(packageRoot(), 'dist', 'libs', 'testing', 'src', 'test-topic-prefixes.js');

describe('deleteTopicsUnder (the integration run’s topic cleanup)', () => {
  it('deletes the topics under a prefix and leaves its process without a warning', async () => {
    const { brokers } = testInfrastructure();
    const prefix = `cleanup-${randomUUID().slice(0, 8)}.`;
    const admin = kafkaClient({
      clientId: 'cleanup-test',
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic: `${prefix}a`, numPartitions: 1 },
          { topic: `${prefix}b`, numPartitions: 1 },
        ],
        waitForLeaders: true,
      });
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(MODULE)})
             .deleteTopicsUnder(${JSON.stringify(brokers)}, [${JSON.stringify(prefix)}])
             .then(() => console.log('deleted'))`,
        ],
        { timeout: 60_000 },
      );
      expect(stdout.trim()).toBe('deleted');
      expect(stderr).toBe('');
      const left = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      expect(left).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
