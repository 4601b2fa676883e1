import { Consumer, TopicPartitionOffsetAndMetadata } from 'kafkajs';

/**
 * The next offset to read per topic-partition, for records handled and committed to the
 * database but not yet to Kafka. Committed in one request at most every interval and at
 * shutdown (each commit is a broker write with an fsync).
 */
export class OffsetBook {
  private readonly uncommitted = new Map<string, TopicPartitionOffsetAndMetadata>();

  /** Every record up to `lastOffset` of the partition is handled. */
  handled(topic: string, partition: number, lastOffset: string): void {
    this.uncommitted.set(`${topic}:${partition}`, {
      topic,
      partition,
      offset: String(BigInt(lastOffset) + 1n),
    });
  }

  /** Offsets of partitions this member no longer holds are their new owner's to commit. */
  keepAssigned(assignment: Record<string, number[]>): void {
    for (const [key, { topic, partition }] of this.uncommitted) {
      if (!assignment[topic]?.includes(partition)) this.uncommitted.delete(key);
    }
  }

  /**
   * Commits what is pending. A failure (a rebalance took the partitions away) is not an error:
   * whoever handles them next skips, through the inbox, what this member had handled.
   */
  async commit(
    consumer: Consumer | undefined,
    onFailure: (error: unknown, partitions: number) => void,
  ): Promise<void> {
    if (!consumer || this.uncommitted.size === 0) return;
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    try {
      await consumer.commitOffsets(offsets);
    } catch (error) {
      onFailure(error, offsets.length);
    }
  }
}
