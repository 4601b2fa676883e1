import {
  CloudEvent,
  EventContract,
  EventSources,
  PaymentCaptured,
  RefundRequested,
  RefundSettled,
  SIGNATURE_HEADER,
  signPayload,
} from '@app/contracts';
import { AccountScoped, createEvent } from '@app/messaging';
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, UPSTREAM_SIGNING_SECRET } from './dev-system';
import { kafkaClient } from '@app/messaging';

const SOURCE = EventSources.UpstreamBilling;

/**
 * Plays the upstream billing system for the orders it is told about: publishes their signed
 * PaymentCaptured, and settles every RefundRequested billing asks for them (RefundSettled).
 */
export class UpstreamBilling {
  private readonly settled = new Set<string>();
  private readonly orders = new Set<string>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly groupId: string,
    private readonly log: (line: string) => void,
  ) {}

  static async connect(log: (line: string) => void): Promise<UpstreamBilling> {
    const kafka = kafkaClient({
      clientId: 'dev-upstream-billing',
      brokers: KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    // A group of its own, deleted at the end: reads the refund requests from the beginning, so
    // one requested before it joined (or while following an older order) is not missed.
    const groupId = `dev-upstream-billing-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    const upstream = new UpstreamBilling(kafka, producer, consumer, groupId, log);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({
      topics: [KAFKA_TOPIC_PREFIX + RefundRequested.topic],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ message }) => upstream.onRefundRequested(message.value),
    });
    return upstream;
  }

  /** Refunds for this order are settled from now on. */
  watch(orderId: string): void {
    this.orders.add(orderId);
  }

  async capturePayment(data: PaymentCaptured): Promise<CloudEvent<PaymentCaptured>> {
    return this.publish(PaymentCaptured, data, data.orderId);
  }

  private async onRefundRequested(value: Buffer | null): Promise<void> {
    if (!value) return;
    let event: CloudEvent<RefundRequested>;
    try {
      event = JSON.parse(value.toString('utf8')) as CloudEvent<RefundRequested>;
    } catch {
      return;
    }
    const refund = event.data;
    if (event.type !== RefundRequested.type || !this.orders.has(refund?.orderId)) return;
    if (this.settled.has(refund.refundId)) return;
    this.settled.add(refund.refundId);
    this.log(
      `upstream: refund ${refund.refundId} requested (${refund.reasons.join(', ')}); settling it`,
    );
    await this.publish(
      RefundSettled,
      {
        refundId: refund.refundId,
        orderId: refund.orderId,
        accountId: refund.accountId,
        amount: refund.amount,
        settledAt: new Date().toISOString(),
      },
      refund.orderId,
    );
  }

  /** A CloudEvent of the contract, signed as upstream signs (x-signature), key = accountId. */
  private async publish<C extends EventContract>(
    contract: C,
    data: InstanceType<C> & AccountScoped,
    orderId: string,
  ): Promise<CloudEvent<InstanceType<C>>> {
    const event = createEvent(
      contract,
      data,
      { source: SOURCE, correlationId: orderId },
      new Date(),
    );
    const value = Buffer.from(JSON.stringify(event));
    const signature = signPayload(UPSTREAM_SIGNING_SECRET, value, Math.floor(Date.now() / 1000));
    await this.producer.send({
      topic: KAFKA_TOPIC_PREFIX + contract.topic,
      acks: -1,
      messages: [{ key: data.accountId, value, headers: { [SIGNATURE_HEADER]: signature } }],
    });
    return event;
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
