/**
 * Creates every topic of the saga (libs/contracts topicSpecs()) on a broker, if missing,
 * and verifies partitions and config afterwards. Used by scripts/kafka/create-topics.ts (run by
 * kafka.sh start) and by tests that need the topics under their own prefix.
 */
import { Admin, ConfigResourceTypes, KafkaConfig, logLevel } from 'kafkajs';
import { topicSpecs, type TopicSpec } from '@app/contracts';
import { kafkaClient } from './kafka-client';

export interface TopicCheck {
  /** Physical name on the broker: prefix + spec name. */
  topic: string;
  created: boolean;
  partitions: number;
  expectedPartitions: number;
  /** The spec's config keys with the values the broker reports. */
  config: Record<string, string | undefined>;
  /** Human-readable mismatches; empty when the topic is as specified. */
  problems: string[];
}

export async function ensureTopics(
  brokers: string[],
  prefix = '',
  extraGroups: string[] = [],
  /** TLS and SASL of an authenticated broker (compose: the admin user). */
  connection: Pick<KafkaConfig, 'ssl' | 'sasl'> = {},
): Promise<TopicCheck[]> {
  const specs: TopicSpec[] = topicSpecs(undefined, extraGroups).map((s) => ({
    ...s,
    name: prefix + s.name,
  }));
  const kafka = kafkaClient({
    clientId: 'ensure-topics',
    brokers,
    logLevel: logLevel.ERROR,
    ...connection,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: 1,
            configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (err) {
        // Another process (a parallel test worker) may have created some of them meanwhile, or
        // the broker answered the wait for leaders before its metadata knew the new topics
        // (UNKNOWN_TOPIC_OR_PARTITION, seen while it was deleting other topics): fine once they
        // all exist; the verification below checks the rest.
        const names = missing.map((s) => s.name);
        if (!(await allListed(admin, names))) throw err;
      }
    }

    const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
    const partitionsOf = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: specs.map((s) => ({
        type: ConfigResourceTypes.TOPIC,
        name: s.name,
        configNames: Object.keys(s.config),
      })),
    });
    const configOf = new Map(
      described.resources.map((r) => [
        r.resourceName,
        Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])),
      ]),
    );

    return specs.map((spec) => {
      const partitions = partitionsOf.get(spec.name) ?? 0;
      const actual = configOf.get(spec.name) ?? {};
      const config: Record<string, string | undefined> = {};
      const problems: string[] = [];
      if (partitions !== spec.partitions) {
        problems.push(`partitions ${partitions}, expected ${spec.partitions}`);
      }
      for (const [key, value] of Object.entries(spec.config)) {
        config[key] = actual[key];
        if (actual[key] !== value) problems.push(`${key}=${actual[key]}, expected ${value}`);
      }
      return {
        topic: spec.name,
        created: missing.some((m) => m.name === spec.name),
        partitions,
        expectedPartitions: spec.partitions,
        config,
        problems,
      };
    });
  } finally {
    await admin.disconnect();
  }
}

/** A plain-text table of the checks, one topic a line. */
export function formatTopicTable(checks: TopicCheck[]): string {
  const rows = checks.map((c) => [
    c.topic,
    String(c.partitions),
    Object.entries(c.config)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    c.problems.length > 0 ? `MISMATCH: ${c.problems.join('; ')}` : c.created ? 'created' : 'exists',
  ]);
  const header = ['topic', 'partitions', 'config', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Whether the broker lists every one of `names`, asked again for up to 10 s until it does. */
async function allListed(admin: Admin, names: string[]): Promise<boolean> {
  const until = Date.now() + 10_000;
  for (;;) {
    const listed = new Set(await admin.listTopics());
    if (names.every((name) => listed.has(name))) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
