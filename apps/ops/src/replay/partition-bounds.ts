import { ExitCodes, OpsError } from '../cli/ops-error';
import { OpsKafka } from '../kafka/ops-kafka';
import { PartitionBounds, ReplayPosition, resolveOffset } from './replay-position';

/** The partitions of a topic (all, or the one asked for) with their low and high watermarks. */
export async function partitionBoundsOf(
  kafka: OpsKafka,
  physicalTopic: string,
  partition: number | undefined,
): Promise<PartitionBounds[]> {
  const offsets = await (await kafka.admin()).fetchTopicOffsets(physicalTopic);
  const bounds = offsets
    .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
    .sort((a, b) => a.partition - b.partition);
  if (partition === undefined) return bounds;
  const one = bounds.filter((b) => b.partition === partition);
  if (one.length === 0) {
    throw new OpsError(
      `topic ${physicalTopic} has no partition ${partition}`,
      `partitions are 0..${bounds.length - 1}`,
      ExitCodes.Usage,
    );
  }
  return one;
}

/** Offsets of a position in each partition (for a time: the first record at or after it). */
export async function offsetsOf(
  kafka: OpsKafka,
  physicalTopic: string,
  position: ReplayPosition,
  bounds: PartitionBounds[],
): Promise<Map<number, bigint>> {
  const atTime = new Map<number, bigint>();
  if (position.kind === 'time') {
    const found = await (
      await kafka.admin()
    ).fetchTopicOffsetsByTimestamp(physicalTopic, position.at.getTime());
    for (const f of found) atTime.set(f.partition, BigInt(f.offset));
  }
  return new Map(
    bounds.map((b) => [b.partition, resolveOffset(position, b, (p) => atTime.get(p))]),
  );
}
