import { randomUUID } from 'node:crypto';
import { IHeaders } from 'kafkajs';
import { OpsKafka } from './ops-kafka';

/** One record as read from the broker, bytes untouched (so it can be re-published faithfully). */
export interface ScannedRecord {
  /** Physical topic name. */
  topic: string;
  partition: number;
  offset: string;
  /** Milliseconds since the epoch (the record's CreateTime). */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Offsets [from, to) of one partition to read. */
export interface PartitionRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

export interface ScanOptions {
  onRecord: (record: ScannedRecord) => void | Promise<void>;
  onProgress?: (read: number, total: number) => void;
  /** Gives up waiting when nothing arrives for this long (a range end that never comes). */
  idleTimeoutMs?: number;
}

export interface ScanResult {
  read: number;
  total: number;
  /** Ranges not read to their end before the idle timeout (empty when complete). */
  incomplete: PartitionRange[];
}

/**
 * Reads bounded ranges of partitions with a throw-away consumer group: the consumer starts at
 * each range's first offset, stops once every range is read up to its end, and its group is
 * deleted afterwards so no consumer group is left behind on the broker.
 */
export class TopicScanner {
  constructor(private readonly kafka: OpsKafka) {}

  /** Every record of these physical topics, up to the high watermarks as they are now. */
  async wholeTopics(topics: string[]): Promise<PartitionRange[]> {
    const admin = await this.kafka.admin();
    const ranges: PartitionRange[] = [];
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        ranges.push({ topic, partition: p.partition, from: BigInt(p.low), to: BigInt(p.high) });
      }
    }
    return ranges;
  }

  async scan(ranges: PartitionRange[], options: ScanOptions): Promise<ScanResult> {
    const pending = new Map<string, PartitionRange>();
    // Next offset to hand over per range: a batch fetched before the seek, then again after it,
    // must not deliver a record twice.
    const position = new Map<string, bigint>();
    for (const range of ranges) {
      if (range.to <= range.from) continue;
      pending.set(keyOf(range.topic, range.partition), range);
      position.set(keyOf(range.topic, range.partition), range.from);
    }
    const total = [...pending.values()].reduce((sum, r) => sum + Number(r.to - r.from), 0);
    let read = 0;
    options.onProgress?.(0, total);
    if (pending.size === 0) return { read, total, incomplete: [] };

    const groupId = `reactivation-ops-scan-${randomUUID()}`;
    const consumer = this.kafka.kafka.consumer({
      groupId,
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
    });
    const topics = [...new Set([...pending.values()].map((r) => r.topic))];
    let finish!: () => void;
    let fail!: (error: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    let lastActivity = Date.now();
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const key = keyOf(batch.topic, batch.partition);
          const range = pending.get(key);
          if (!range) return;
          lastActivity = Date.now();
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset < position.get(key)!) continue; // before the range, or already handed over
            if (offset >= range.to) break;
            position.set(key, offset + 1n);
            await options.onRecord({
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              timestamp: message.timestamp,
              key: message.key ?? null,
              value: message.value ?? null,
              headers: { ...(message.headers ?? {}) },
            });
            read++;
            options.onProgress?.(read, total);
            // A compacted topic may lack offsets: reaching or passing the last one ends the range.
            if (offset >= range.to - 1n) break;
          }
          const last = BigInt(batch.messages[batch.messages.length - 1]?.offset ?? -1);
          if (last >= range.to - 1n) {
            pending.delete(key);
            consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
            if (pending.size === 0) finish();
          }
        },
      });
      // Start each range at its first offset; partitions outside every range are not read at all.
      const admin = await this.kafka.admin();
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const range = pending.get(keyOf(topic, p.partition));
          if (!range) consumer.pause([{ topic, partitions: [p.partition] }]);
          else if (range.from > BigInt(p.low))
            consumer.seek({ topic, partition: p.partition, offset: String(range.from) });
        }
      }
      const idleTimeoutMs = options.idleTimeoutMs ?? 15_000;
      const watchdog = setInterval(() => {
        if (Date.now() - lastActivity > idleTimeoutMs) finish();
      }, 250);
      consumer.on(consumer.events.CRASH, (event) => fail(event.payload.error));
      try {
        await finished;
      } finally {
        clearInterval(watchdog);
      }
    } finally {
      await consumer.disconnect().catch(() => undefined);
      const admin = await this.kafka.admin();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return { read, total, incomplete: [...pending.values()] };
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** A header's value as text (first value when repeated). */
export function headerText(headers: IHeaders, name: string): string | undefined {
  const raw = headers[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}
