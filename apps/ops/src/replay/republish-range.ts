import { Message } from 'kafkajs';
import { OpsKafka } from '../kafka/ops-kafka';
import { TopicScanner } from '../kafka/topic-scanner';
import { offsetsOf, partitionBoundsOf } from './partition-bounds';
import { ReplayPosition } from './replay-position';

export interface RepublishCommand {
  /** Logical topic. */
  topic: string;
  from: ReplayPosition;
  /** Exclusive end; default: the end of each partition as it is now. */
  to?: ReplayPosition;
  partition?: number;
}

export interface RepublishedPartition {
  partition: number;
  from: string;
  to: string;
  republished: number;
}

export interface RepublishResult {
  topic: string;
  partitions: RepublishedPartition[];
  republished: number;
}

const BATCH = 500;

/**
 * Copies the records [from, to) of a topic onto the same topic, same partition, key, value,
 * headers and timestamp, so every live consumer group sees them again (handlers are idempotent:
 * what was done stays done, what was missed gets done). The end is fixed before copying, so the
 * copies themselves are never copied.
 */
export class RepublishRange {
  constructor(private readonly kafka: OpsKafka) {}

  async execute(
    command: RepublishCommand,
    onProgress?: (done: number, total: number) => void,
  ): Promise<RepublishResult> {
    const topic = this.kafka.physical(command.topic);
    await this.kafka.requireTopics([topic]);
    const bounds = await partitionBoundsOf(this.kafka, topic, command.partition);
    const starts = await offsetsOf(this.kafka, topic, command.from, bounds);
    const ends = command.to
      ? await offsetsOf(this.kafka, topic, command.to, bounds)
      : new Map(bounds.map((b) => [b.partition, b.high]));
    const ranges = bounds.map((b) => ({
      topic,
      partition: b.partition,
      from: starts.get(b.partition)!,
      to: ends.get(b.partition)!,
    }));

    const producer = await this.kafka.producer();
    const counts = new Map<number, number>();
    let pending: { partition: number; message: Message }[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      await producer.send({
        topic,
        acks: -1,
        messages: batch.map(({ partition, message }) => ({ ...message, partition })),
      });
    };
    await new TopicScanner(this.kafka).scan(ranges, {
      onProgress,
      onRecord: async (record) => {
        pending.push({
          partition: record.partition,
          message: {
            key: record.key,
            value: record.value,
            headers: record.headers,
            timestamp: record.timestamp,
          },
        });
        counts.set(record.partition, (counts.get(record.partition) ?? 0) + 1);
        if (pending.length >= BATCH) await flush();
      },
    });
    await flush();
    const partitions = ranges.map((r) => ({
      partition: r.partition,
      from: String(r.from),
      to: String(r.to < r.from ? r.from : r.to),
      republished: counts.get(r.partition) ?? 0,
    }));
    return {
      topic: command.topic,
      partitions,
      republished: partitions.reduce((sum, p) => sum + p.republished, 0),
    };
  }
}
