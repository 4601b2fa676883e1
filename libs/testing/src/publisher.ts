import {
  CloudEvent,
  DEFAULT_PARTITIONS,
  EventContract,
  producerSourceOf,
  SIGNATURE_HEADER,
  signPayload,
} from '@app/contracts';
import { AccountScoped, createEvent } from '@app/messaging';
import { KafkaConfig, logLevel, Partitioners, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { testInfrastructure } from './infrastructure';
import { kafkaClient } from '@app/messaging';

/**
 * Puts records on the test's topics the way another system would: the upstream billing system
 * (signed payment events), the licensing platform, or a misbehaving producer (raw bytes).
 */
export class TestPublisher {
  private constructor(
    private readonly producer: Producer,
    private readonly prefix: string,
  ) {}

  /** `broker`: another broker than the tests' one, or a SASL identity on it (the secure broker). */
  static async connect(
    prefix: string,
    broker: Pick<KafkaConfig, 'brokers' | 'sasl'> = { brokers: testInfrastructure().brokers },
  ): Promise<TestPublisher> {
    const kafka = kafkaClient({
      clientId: 'test-publisher',
      logLevel: logLevel.NOTHING,
      ...broker,
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new TestPublisher(producer, prefix);
  }

  /** Publishes a CloudEvent of a contract; returns it (its id, to assert causation). */
  async event<C extends EventContract>(
    contract: C,
    data: InstanceType<C> & AccountScoped,
    options: {
      correlationId?: string;
      source?: string;
      /** Signs the value as upstream billing does (x-signature header). */
      signingSecret?: string;
      signedAt?: number;
      headers?: Record<string, string>;
      id?: string;
    } = {},
  ): Promise<CloudEvent<InstanceType<C>>> {
    const event = testEvent(contract, data, options);
    if (options.id) event.id = options.id;
    await this.raw(contract.topic, data.accountId, JSON.stringify(event), {
      headers: options.headers,
      signingSecret: options.signingSecret,
      signedAt: options.signedAt,
    });
    return event;
  }

  /** Publishes several events of a contract in one produce request (so, in order, on one batch). */
  async events<C extends EventContract>(
    contract: C,
    datas: (InstanceType<C> & AccountScoped)[],
  ): Promise<CloudEvent<InstanceType<C>>[]> {
    const events = datas.map((data) => testEvent(contract, data));
    await this.producer.send({
      topic: this.prefix + contract.topic,
      acks: -1,
      messages: events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
    });
    return events;
  }

  /** Publishes an existing event again, byte for byte (a redelivery). */
  async again(topic: string, event: CloudEvent, signingSecret?: string): Promise<void> {
    await this.raw(topic, event.subject, JSON.stringify(event), { signingSecret });
  }

  async raw(
    topic: string,
    key: string | null,
    value: string | Buffer,
    options: {
      headers?: Record<string, string>;
      signingSecret?: string;
      signedAt?: number;
      /** The producer's record timestamp (ms); a topic with LogAppendTime replaces it. */
      timestamp?: number;
    } = {},
  ): Promise<void> {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
    const headers: Record<string, string> = { ...options.headers };
    if (options.signingSecret) {
      const at = options.signedAt ?? Math.floor(Date.now() / 1000);
      headers[SIGNATURE_HEADER] = signPayload(options.signingSecret, bytes, at);
    }
    await this.producer.send({
      topic: this.prefix + topic,
      acks: -1,
      messages: [
        {
          key,
          value: bytes,
          headers,
          ...(options.timestamp !== undefined && { timestamp: String(options.timestamp) }),
        },
      ],
    });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}

/**
 * An event as another system would publish it: its saga is its order (or else its account); its
 * source is its topic's one producer unless the test says otherwise.
 */
function testEvent<C extends EventContract>(
  contract: C,
  data: InstanceType<C> & AccountScoped,
  options: { correlationId?: string; source?: string } = {},
): CloudEvent<InstanceType<C>> {
  return createEvent(
    contract,
    data,
    {
      source: options.source ?? producerSourceOf(contract.topic),
      correlationId:
        options.correlationId ?? (data as { orderId?: string }).orderId ?? data.accountId,
    },
    new Date(),
  );
}

/**
 * `count` new account ids (`<prefix>-<random>`) that the producers' partitioner puts on one
 * partition of every topic: their events, published while a consumer is down, reach it in one
 * fetch (one batch, one chunk).
 */
export function accountsOnOnePartition(count: number, prefix = 'acc'): string[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: DEFAULT_PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  const partitionOf = (key: string) =>
    partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
  const ids: string[] = [];
  while (ids.length < count) {
    const id = `${prefix}-${randomUUID().slice(0, 8)}`;
    if (ids.length === 0 || partitionOf(id) === partitionOf(ids[0])) ids.push(id);
  }
  return ids;
}
