import { deadLetterTopicOf, ConsumerGroups, Topics } from '@app/contracts';
import { OpsKafka } from '../kafka/ops-kafka';
import { PartitionRange, TopicScanner } from '../kafka/topic-scanner';

export interface PartitionLag {
  group: string;
  /** Logical topic. */
  topic: string;
  partition: number;
  /** Committed offset (null: the group has committed nothing on this partition yet). */
  committed: string | null;
  highWatermark: string;
  /** Records produced and not yet consumed by the group. */
  lag: number;
  /** Age of the oldest record not yet consumed (0 without lag). */
  lagSeconds: number;
}

export interface GroupLag {
  group: string;
  /** Broker's view: Stable (consuming), Empty (stopped), Dead (unknown), ... */
  state: string;
  members: number;
  partitions: PartitionLag[];
  totalLag: number;
}

/** Topics of the system: what a group's committed offsets are looked at for. */
const KNOWN_TOPICS = new Set<string>([
  ...Object.values(Topics),
  ...Object.values(ConsumerGroups).map(deadLetterTopicOf),
]);

/**
 * Per group and partition: committed offset, high watermark, lag in records and in seconds (the
 * age of the record at the committed offset, fetched from the broker).
 */
export class MeasureLag {
  constructor(private readonly kafka: OpsKafka) {}

  async execute(groups: string[], now: Date): Promise<GroupLag[]> {
    const admin = await this.kafka.admin();
    const { groups: described } = await admin.describeGroups(
      groups.map((group) => this.kafka.physicalGroup(group)),
    );
    const highOf = new Map<string, Map<number, { low: bigint; high: bigint }>>();
    const result: GroupLag[] = [];
    for (const group of groups) {
      const groupId = this.kafka.physicalGroup(group);
      // Asked by topic, the broker answers every partition (-1 where nothing is committed yet).
      const topics = (await admin.fetchOffsets({ groupId }))
        .map((t) => t.topic)
        .filter((topic) => this.isSystemTopic(topic));
      const offsets = topics.length > 0 ? await admin.fetchOffsets({ groupId, topics }) : [];
      const partitions: PartitionLag[] = [];
      for (const { topic, partitions: committed } of offsets) {
        if (!highOf.has(topic)) {
          const bounds = await admin.fetchTopicOffsets(topic);
          highOf.set(
            topic,
            new Map(bounds.map((b) => [b.partition, { low: BigInt(b.low), high: BigInt(b.high) }])),
          );
        }
        for (const c of committed) {
          const bounds = highOf.get(topic)!.get(c.partition);
          if (!bounds) continue;
          const position =
            BigInt(c.offset) < 0n
              ? bounds.low
              : BigInt(c.offset) < bounds.low
                ? bounds.low
                : BigInt(c.offset);
          const lag = bounds.high > position ? Number(bounds.high - position) : 0;
          partitions.push({
            group,
            topic,
            partition: c.partition,
            committed: BigInt(c.offset) < 0n ? null : c.offset,
            highWatermark: String(bounds.high),
            lag,
            lagSeconds: 0,
          });
        }
      }
      const info = described.find((d) => d.groupId === groupId);
      result.push({
        group,
        state: info?.state ?? 'Dead',
        members: info?.members.length ?? 0,
        partitions: partitions.sort(
          (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
        ),
        totalLag: partitions.reduce((sum, p) => sum + p.lag, 0),
      });
    }
    await this.ageOfOldestUnconsumed(
      result.flatMap((g) => g.partitions),
      now,
    );
    for (const group of result)
      for (const p of group.partitions) p.topic = this.kafka.logical(p.topic);
    return result;
  }

  /** Reads the one record at each lagging partition's position and measures how old it is. */
  private async ageOfOldestUnconsumed(partitions: PartitionLag[], now: Date): Promise<void> {
    const lagging = partitions.filter((p) => p.lag > 0);
    if (lagging.length === 0) return;
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const ranges = new Map<string, PartitionRange>();
    for (const p of lagging) {
      const from = BigInt(p.highWatermark) - BigInt(p.lag);
      ranges.set(key(p.topic, p.partition), {
        topic: p.topic,
        partition: p.partition,
        from,
        to: from + 1n,
      });
    }
    // Two groups may wait on the same partition at different offsets: one read per distinct range.
    const timestamps = new Map<string, number>();
    const distinct = [
      ...new Map(
        [...ranges.values()].map((r) => [`${key(r.topic, r.partition)}@${r.from}`, r]),
      ).values(),
    ];
    const byPartition = new Map<string, PartitionRange[]>();
    for (const r of distinct)
      byPartition.set(key(r.topic, r.partition), [
        ...(byPartition.get(key(r.topic, r.partition)) ?? []),
        r,
      ]);
    // One scan per "layer" so each scan holds at most one range per partition.
    for (let layer = 0; ; layer++) {
      const batch = [...byPartition.values()]
        .map((rs) => rs[layer])
        .filter((r): r is PartitionRange => !!r);
      if (batch.length === 0) break;
      await new TopicScanner(this.kafka).scan(batch, {
        idleTimeoutMs: 5000,
        onRecord: (record) => {
          const range = batch.find(
            (r) => r.topic === record.topic && r.partition === record.partition,
          )!;
          timestamps.set(
            `${key(range.topic, range.partition)}@${range.from}`,
            Number(record.timestamp),
          );
        },
      });
    }
    for (const p of lagging) {
      const from = BigInt(p.highWatermark) - BigInt(p.lag);
      const at = timestamps.get(`${key(p.topic, p.partition)}@${from}`);
      p.lagSeconds =
        at === undefined ? 0 : Math.max(0, Math.round((now.getTime() - at) / 100) / 10);
    }
  }

  private isSystemTopic(physical: string): boolean {
    if (this.kafka.prefix && !physical.startsWith(this.kafka.prefix)) return false;
    return KNOWN_TOPICS.has(this.kafka.logical(physical));
  }
}
