import { TopicNames } from '@app/messaging';
import { Admin, Kafka, KafkaConfig, logLevel, Producer } from 'kafkajs';
import { ExitCodes, explainKafkaError, OpsError } from '../cli/ops-error';
import { kafkaClient } from '@app/messaging';

/**
 * The CLI's handle on the broker: one admin client, a producer when needed, and the topic prefix
 * the services run with (logical names as in @app/contracts ↔ physical names on the broker). The
 * services' consumer groups carry the same prefix (the runtime's `TopicNames`), so ops maps them too.
 */
export class OpsKafka {
  readonly kafka: Kafka;
  private adminClient?: Admin;
  private producerClient?: Producer;
  private readonly names: TopicNames;

  constructor(
    readonly brokers: string[],
    readonly prefix: string,
    /** TLS and SASL of an authenticated broker (the ops user in compose). */
    connection: Pick<KafkaConfig, 'ssl' | 'sasl'> = {},
  ) {
    this.names = new TopicNames(prefix);
    this.kafka = kafkaClient({
      clientId: 'reactivation-ops',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      // An operator waits for an answer: fail within seconds when the broker is down.
      retry: { initialRetryTime: 200, retries: 3 },
      ...connection,
    });
  }

  physical(logical: string): string {
    return this.names.physical(logical);
  }

  logical(physical: string): string {
    return this.names.logical(physical);
  }

  /** A service's consumer group on the broker (named as the runtime names it: prefix + group). */
  physicalGroup(group: string): string {
    return this.names.physical(group);
  }

  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (error) {
        throw explainKafkaError(error, this.brokers);
      }
      this.adminClient = admin;
    }
    return this.adminClient;
  }

  /** Idempotent producer, acks from all in-sync replicas: a re-sent record is never lost or doubled. */
  async producer(): Promise<Producer> {
    if (!this.producerClient) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      try {
        await producer.connect();
      } catch (error) {
        throw explainKafkaError(error, this.brokers);
      }
      this.producerClient = producer;
    }
    return this.producerClient;
  }

  /** Fails with what to do when any of these physical topics is missing. */
  async requireTopics(physicalTopics: string[]): Promise<void> {
    const existing = new Set(await (await this.admin()).listTopics());
    const missing = physicalTopics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      throw new OpsError(
        `unknown topic${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}` +
          (this.prefix ? ` (KAFKA_TOPIC_PREFIX="${this.prefix}")` : ''),
        'create it with `npm run kafka:start` (it creates every topic of the system), or check KAFKA_TOPIC_PREFIX',
        ExitCodes.Failure,
      );
    }
  }

  async close(): Promise<void> {
    await this.producerClient?.disconnect().catch(() => undefined);
    await this.adminClient?.disconnect().catch(() => undefined);
  }
}
