import { CloudEvent } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { testInfrastructure } from './infrastructure';
import { eventually } from './wait';
import { kafkaClient } from '@app/messaging';

export interface RecordedRecord {
  /** Logical topic (without the test's prefix). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
  /** The CloudEvent, when the value is one. */
  event?: CloudEvent<Record<string, unknown>>;
}

/** Reads topics from the beginning and keeps every record, for assertions. */
export class TopicRecorder {
  readonly records: RecordedRecord[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly consumer: Consumer,
    private readonly kafka: Kafka,
    private readonly groupId: string,
    /** The physical topics it reads. */
    readonly topics: string[],
    readonly prefix: string,
  ) {}

  /** `broker`: another broker than the tests' one, or a SASL identity on it (the secure broker). */
  static async start(
    prefix: string,
    topics: string[],
    broker: Pick<KafkaConfig, 'brokers' | 'sasl'> = { brokers: testInfrastructure().brokers },
  ): Promise<TopicRecorder> {
    const kafka = kafkaClient({
      clientId: 'topic-recorder',
      logLevel: logLevel.NOTHING,
      ...broker,
    });
    const groupId = `recorder-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    const recorder = new TopicRecorder(
      consumer,
      kafka,
      groupId,
      topics.map((t) => prefix + t),
      prefix,
    );
    await consumer.connect();
    // Topics created a moment ago may not be in every metadata answer yet.
    await eventually(
      () => consumer.subscribe({ topics: topics.map((t) => prefix + t), fromBeginning: true }),
      15_000,
      200,
    );
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        recorder.records.push({
          topic: topic.slice(prefix.length),
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          headers: stringHeaders(message.headers),
          value: message.value,
          event: parseEvent(message.value),
        });
        for (const wake of recorder.waiters.splice(0)) wake();
      },
    });
    return recorder;
  }

  /** Events (CloudEvents) recorded so far, optionally of one type. */
  events<T = Record<string, unknown>>(type?: string): CloudEvent<T>[] {
    return this.records
      .filter((r) => r.event && (!type || r.event.type === type))
      .map((r) => r.event as unknown as CloudEvent<T>);
  }

  /** Waits for the first record matching, or fails with what was seen. */
  async waitFor(
    predicate: (record: RecordedRecord) => boolean,
    timeoutMs = 30_000,
    what = 'a matching record',
  ): Promise<RecordedRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.records.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.records.map((r) => `${r.topic}:${r.event?.type ?? '(raw)'}`).join(', ');
        throw new Error(`timed out waiting for ${what}; seen: ${seen || 'nothing'}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for an event of a type (and optional data match). */
  async waitForEvent<T = Record<string, unknown>>(
    type: string,
    match: (data: T) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<CloudEvent<T>> {
    const record = await this.waitFor(
      (r) => r.event?.type === type && match(r.event.data as T),
      timeoutMs,
      `event ${type}`,
    );
    return record.event as unknown as CloudEvent<T>;
  }

  /** Whether it has read every partition of its topics up to these ends (physical topic → partition → high). */
  hasReadTo(ends: Map<string, Map<number, bigint>>): boolean {
    const next = new Map<string, bigint>();
    for (const r of this.records) {
      const key = `${this.prefix}${r.topic}#${r.partition}`;
      const after = BigInt(r.offset) + 1n;
      if (after > (next.get(key) ?? 0n)) next.set(key, after);
    }
    for (const topic of this.topics) {
      for (const [partition, high] of ends.get(topic) ?? new Map<number, bigint>()) {
        if (high > 0n && (next.get(`${topic}#${partition}`) ?? 0n) < high) return false;
      }
    }
    return true;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name] = String(Array.isArray(value) ? value[0] : value);
  }
  return result;
}

function parseEvent(value: Buffer | null): CloudEvent<Record<string, unknown>> | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as CloudEvent<Record<string, unknown>>;
    return parsed && typeof parsed === 'object' && parsed.specversion === '1.0'
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
