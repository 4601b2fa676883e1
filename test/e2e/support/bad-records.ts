/**
 * Helpers of the bad-record test: a producer that writes exact bytes to a chosen partition (as a
 * misbehaving producer would), and what a consumer group has done with a record: its committed
 * offset, and the event ids its service recorded as handled (inbox).
 */
import { ConsumerGroup, ConsumerGroups, signPayload, SIGNATURE_HEADER } from '@app/contracts';
import {
  queryDatabase,
  ServiceName,
  TEST_UPSTREAM_SECRET,
  testInfrastructure,
  TestSystem,
} from '@app/testing';
import { Admin, CompressionTypes, ConfigResourceTypes, logLevel, Producer } from 'kafkajs';
import { kafkaClient } from '@app/messaging';

/** The service whose process is each consumer group. */
export const SERVICE_OF_GROUP: Record<ConsumerGroup, ServiceName> = {
  [ConsumerGroups.Billing]: 'billing',
  [ConsumerGroups.Eligibility]: 'eligibility',
  [ConsumerGroups.Licensing]: 'licensing',
  [ConsumerGroups.Notifications]: 'notifications',
};

export interface RawRecord {
  key: Buffer | string | null;
  value: Buffer;
  headers?: Record<string, Buffer | string>;
  /** The record is sent in a gzip-compressed batch. */
  gzip?: boolean;
  /** The producer's record timestamp (ms); a topic with LogAppendTime replaces it. */
  timestamp?: number;
}

/** Writes records byte for byte to a topic's partition; returns each record's offset. */
export class RawProducer {
  private constructor(
    private readonly producer: Producer,
    readonly admin: Admin,
    private readonly prefix: string,
  ) {}

  static async connect(prefix: string): Promise<RawProducer> {
    const kafka = kafkaClient({
      clientId: 'bad-record-producer',
      brokers: testInfrastructure().brokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    return new RawProducer(producer, admin, prefix);
  }

  /**
   * Sends one record in a produce request of its own. On the upstream topic the value is signed
   * as upstream billing signs it, so that the record is judged on its own fault, not refused as
   * unsigned.
   */
  async send(
    topic: string,
    partition: number,
    record: RawRecord,
    signed: boolean,
  ): Promise<string> {
    const headers: Record<string, Buffer | string> = { ...record.headers };
    if (signed) {
      headers[SIGNATURE_HEADER] = signPayload(
        TEST_UPSTREAM_SECRET,
        record.value,
        Math.floor(Date.now() / 1000),
      );
    }
    const [metadata] = await this.producer.send({
      topic: this.prefix + topic,
      acks: -1,
      compression: record.gzip ? CompressionTypes.GZIP : CompressionTypes.None,
      messages: [
        {
          partition,
          key: record.key,
          value: record.value,
          headers,
          ...(record.timestamp !== undefined && { timestamp: String(record.timestamp) }),
        },
      ],
    });
    return metadata.baseOffset!;
  }

  /** The largest record value the broker accepts on a topic (its max.message.bytes). */
  async maxMessageBytes(topic: string): Promise<number> {
    const described = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: this.prefix + topic,
          configNames: ['max.message.bytes'],
        },
      ],
    });
    const entry = described.resources[0].configEntries.find(
      (e) => e.configName === 'max.message.bytes',
    );
    return Number(entry!.configValue);
  }

  /** The offset a group has committed on a partition (the next record it will read), or -1. */
  async committedOffset(group: ConsumerGroup, topic: string, partition: number): Promise<number> {
    const [offsets] = await this.admin.fetchOffsets({
      groupId: this.prefix + group,
      topics: [this.prefix + topic],
    });
    const found = offsets?.partitions.find((p) => p.partition === partition);
    return found ? Number(found.offset) : -1;
  }

  async disconnect(): Promise<void> {
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }
}

/** Whether a group's service recorded an event as handled (in the transaction of its effects). */
export async function handledBy(
  sys: TestSystem,
  group: ConsumerGroup,
  eventId: string,
): Promise<boolean> {
  const rows = await queryDatabase(
    sys.databases[SERVICE_OF_GROUP[group]],
    `SELECT 1 FROM inbox_events WHERE event_id = $1`,
    [eventId],
  );
  return rows.length > 0;
}
