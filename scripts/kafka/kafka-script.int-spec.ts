/**
 * Integration test of scripts/kafka/kafka.sh against a real broker: `start` brings one up
 * (or finds it up), is idempotent, and leaves every topic of topicSpecs() on it with its
 * partitions and config. The broker may already be running; the test leaves it running
 * for the other integration tests (.ci/run stops it at the end).
 */
import 'reflect-metadata'; // @app/contracts' event classes use decorators needing it
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigResourceTypes, logLevel } from 'kafkajs';
import { Topics, topicSpecs } from '@app/contracts';
import { randomBytes } from 'node:crypto';
import { kafkaClient } from '@app/messaging';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'kafka', 'kafka.sh');
const BROKER = `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
// The script's topics, without any test prefix the environment may carry.
const ENV = { ...process.env, KAFKA_TOPIC_PREFIX: '' };
// The first start in a fresh clone resolves the jars from Maven Central, then waits up to 60 s.
const START_TIMEOUT_MS = 300_000;

function kafkaSh(command: string, env: NodeJS.ProcessEnv = ENV): string {
  return execFileSync('bash', [SCRIPT, command], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: START_TIMEOUT_MS,
    // The broker writes its output to files, so the pipes close when the script exits.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The pid `status` reports, or null when no broker of this script runs. */
function statusPid(): string | null {
  try {
    return /running \(pid (\d+)\)/.exec(kafkaSh('status'))?.[1] ?? null;
  } catch {
    return null; // status exits 1 when not running
  }
}

describe('scripts/kafka/kafka.sh', () => {
  it(
    'start is idempotent: a second start while up exits 0 and keeps the same broker process',
    () => {
      kafkaSh('start');
      const first = statusPid();
      const output = kafkaSh('start'); // throws on a non-zero exit
      expect(statusPid()).toBe(first);
      expect(output).toMatch(/already running|not started by this script/);
      expect(output).toMatch(/topics ok \(0 created\)/);
    },
    2 * START_TIMEOUT_MS,
  );

  it('every topic of topicSpecs() exists with its partitions and config', async () => {
    const specs = topicSpecs();
    const admin = kafkaClient({
      clientId: 'kafka-script-spec',
      brokers: [BROKER],
      logLevel: logLevel.ERROR,
    }).admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: specs.map((s) => ({
          type: ConfigResourceTypes.TOPIC,
          name: s.name,
          configNames: Object.keys(s.config),
        })),
      });
      for (const spec of specs) {
        const topic = metadata.topics.find((t) => t.name === spec.name);
        expect({ topic: spec.name, partitions: topic?.partitions.length }).toEqual({
          topic: spec.name,
          partitions: spec.partitions,
        });
        const entries =
          described.resources.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
        const config = Object.fromEntries(
          Object.keys(spec.config).map((k) => [
            k,
            entries.find((e) => e.configName === k)?.configValue,
          ]),
        );
        expect({ topic: spec.name, config }).toEqual({ topic: spec.name, config: spec.config });
      }
      // The one compacted topic: the latest account state per key must never be deleted.
      const accounts = specs.find((s) => s.name === 'licensing.accounts.v1');
      expect(accounts?.config['cleanup.policy']).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  }, 60_000);

  it('topics converges the config of a topic kept from an earlier version (payments: LogAppendTime)', async () => {
    // Under a prefix of its own, so the broker's unprefixed topics are left as they are.
    const prefix = `t${randomBytes(4).toString('hex')}.`;
    const payments = prefix + Topics.BillingPayments;
    const admin = kafkaClient({
      clientId: 'kafka-script-spec',
      brokers: [BROKER],
      logLevel: logLevel.ERROR,
    }).admin();
    await admin.connect();
    try {
      const spec = topicSpecs().find((s) => s.name === Topics.BillingPayments)!;
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: payments,
            numPartitions: spec.partitions,
            replicationFactor: 1,
            configEntries: [{ name: 'cleanup.policy', value: 'delete' }],
          },
        ],
      });
      const output = kafkaSh('topics', { ...ENV, KAFKA_TOPIC_PREFIX: prefix });
      expect(output).toContain(`config altered to the spec on ${payments}`);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: payments,
            configNames: ['message.timestamp.type'],
          },
        ],
      });
      expect(described.resources[0].configEntries[0].configValue).toBe('LogAppendTime');
    } finally {
      await admin.disconnect();
    }
  }, 120_000);
});
