import { ConsumerGroups } from '@app/contracts';
import { AssignerProtocol, Admin, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { testInfrastructure } from './infrastructure';
import { ServiceProcess } from './service-process';
import { TopicRecorder } from './topic-recorder';
import { kafkaClient } from '@app/messaging';

/** Partition → high watermark, per physical topic. */
type Ends = Map<string, Map<number, bigint>>;

export interface QuiescenceScope {
  /** The physical consumer groups that must have handled everything they subscribe to. */
  groups: string[];
  /** Databases whose outbox must be empty (everything committed is on the broker). */
  databaseUrls: string[];
  /** The outbox tables of each of those databases (default: the runtime's `outbox_messages`). */
  outboxTables?: string[];
  /** Must have read its topics to their end, when given. */
  recorder?: TopicRecorder;
  timeoutMs?: number;
}

/**
 * The barrier behind "nothing more happened" (instead of a sleep): every group has handled every
 * record of the topics it subscribes to (offsets are committed only after the records' database
 * commit), every outbox is empty, and the recorder has read every topic to its end — with the
 * topics' ends unchanged from the start of that check to its end, since whatever a handler emits
 * starts the chain again. On a slow machine it waits longer; it never passes early.
 */
export async function quiesce(scope: QuiescenceScope): Promise<void> {
  const deadline = Date.now() + (scope.timeoutMs ?? 60_000);
  const kafka = kafkaClient({
    clientId: 'test-quiescence',
    brokers: testInfrastructure().brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let last = 'nothing checked yet';
  try {
    for (;;) {
      const subscribed = await subscribedTopics(admin, scope.groups);
      const topics = [
        ...new Set([...subscribed.flatMap(([, t]) => t), ...(scope.recorder?.topics ?? [])]),
      ];
      const before = await endsOf(admin, topics);
      const behind = await groupsBehind(admin, subscribed, before);
      const unpublished =
        behind.length === 0
          ? await outboxRows(scope.databaseUrls, scope.outboxTables ?? ['outbox_messages'])
          : 0;
      const unread = scope.recorder && !scope.recorder.hasReadTo(before);
      if (behind.length === 0 && unpublished === 0 && !unread) {
        const after = await endsOf(admin, topics);
        if (sameEnds(before, after)) return;
        last = 'the topics grew during the check';
      } else {
        last = behind.length
          ? `behind: ${behind.join(', ')}`
          : unpublished
            ? `${unpublished} outbox rows not yet published`
            : 'the recorder has not read every topic to its end';
      }
      if (Date.now() > deadline) throw new Error(`the system did not come to rest: ${last}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Each group with the topics its members subscribe to (from the group's own description). */
async function subscribedTopics(admin: Admin, groups: string[]): Promise<[string, string[]][]> {
  if (groups.length === 0) return [];
  const { groups: described } = await admin.describeGroups(groups);
  return described.map((group) => [
    group.groupId,
    [
      ...new Set(
        group.members.flatMap(
          (member) => AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ?? [],
        ),
      ),
    ],
  ]);
}

async function endsOf(admin: Admin, topics: string[]): Promise<Ends> {
  const ends: Ends = new Map();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
  }
  return ends;
}

/** `group topic#partition` for every partition a group has not handled to its end. */
async function groupsBehind(
  admin: Admin,
  subscribed: [string, string[]][],
  ends: Ends,
): Promise<string[]> {
  const behind: string[] = [];
  for (const [groupId, topics] of subscribed) {
    if (topics.length === 0) continue;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
      for (const { partition, offset } of partitions) {
        const high = ends.get(topic)?.get(partition) ?? 0n;
        const at = BigInt(offset) < 0n ? 0n : BigInt(offset);
        if (high > at) behind.push(`${groupId} ${topic}#${partition}`);
      }
    }
  }
  return behind;
}

async function outboxRows(databaseUrls: string[], tables: string[]): Promise<number> {
  let rows = 0;
  for (const url of databaseUrls) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      for (const table of tables) {
        const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        rows += Number(result.rows[0].n);
      }
    } finally {
      await client.end();
    }
  }
  return rows;
}

function sameEnds(a: Ends, b: Ends): boolean {
  for (const [topic, partitions] of a) {
    for (const [partition, high] of partitions) {
      if (b.get(topic)?.get(partition) !== high) return false;
    }
  }
  return true;
}

/** The same barrier for services started on their own: their groups and databases from their env. */
export function quiesceServices(
  services: ServiceProcess[],
  recorder?: TopicRecorder,
  timeoutMs?: number,
): Promise<void> {
  return quiesce({
    groups: services.map((service) => service.env.KAFKA_TOPIC_PREFIX + groupOf(service.name)),
    databaseUrls: services.map((service) => service.env.DATABASE_URL),
    recorder,
    timeoutMs,
  });
}

function groupOf(service: string): string {
  const group = Object.values(ConsumerGroups).find((g) => g === `reactivation-${service}`);
  if (!group) throw new Error(`no consumer group is known for the service ${service}`);
  return group;
}
