/**
 * The naive baseline of SPEC section 9: the stock NestJS Kafka transport (`Transport.KAFKA`,
 * ServerKafka with its defaults: one awaited `eachMessage` handler per record) doing the probe's
 * work one message at a time, one database transaction per message: the inbox insert, the effect
 * row and the outgoing event in the outbox. It validates the event against its contract with the
 * runtime's own validation. It does not relay its outbox to Kafka (less work than the runtime does, so the
 * ratio measured against it is, if anything, flattering to the baseline).
 *
 * Env: HTTP_PORT, DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX. Ready at GET /health/ready once
 * the Kafka server has started, which is once its consumer joined its group (kafkajs run()).
 */
import 'reflect-metadata';
import { CloudEvent, EligibilityRejected, OrderPaid, Topics } from '@app/contracts';
import { createEvent, CLOUDEVENTS_CONTENT_TYPE, validateEvent, writeOutbox } from '@app/messaging';
import { databaseOptions } from '@app/platform';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Ctx,
  EventPattern,
  KafkaContext,
  MicroserviceOptions,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

const PREFIX = process.env.KAFKA_TOPIC_PREFIX ?? '';
const ORDER_PAID_TOPIC = PREFIX + Topics.ReactivationBilling;

/** The probe's effect table, the same shape (no unique constraint). */
class NaiveEffects1763900000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE probe_effects (
      id bigserial PRIMARY KEY, order_id text NOT NULL, event_id text NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE probe_effects');
  }
}

const dataSource = new DataSource(
  databaseOptions({
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/naive',
    service: 'naive',
    entities: [],
    migrations: [NaiveEffects1763900000001],
  }),
);

@Controller()
class NaiveHandler {
  @EventPattern(ORDER_PAID_TOPIC)
  async handle(@Payload() raw: unknown, @Ctx() context: KafkaContext): Promise<void> {
    // The runtime's own validation (Nest has already parsed the JSON), so that the comparison
    // is of the transport and transaction design alone.
    let event: CloudEvent<OrderPaid>;
    try {
      const decoded = validateEvent(Topics.ReactivationBilling, raw);
      if (decoded.event.type !== OrderPaid.type) return;
      event = decoded.event as CloudEvent<OrderPaid>;
    } catch {
      return;
    }

    await dataSource.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO inbox_events (event_id, event_type, topic) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [event.id, event.type, context.getTopic()],
      );
      if (claimed.length === 0) return;
      await manager.query('INSERT INTO probe_effects (order_id, event_id) VALUES ($1, $2)', [
        event.data.orderId,
        event.id,
      ]);
      const rejected = createEvent(
        EligibilityRejected,
        {
          orderId: event.data.orderId,
          accountId: event.data.accountId,
          reasons: ['ACCOUNT_NOT_FOUND'],
          rejectedAt: new Date().toISOString(),
        },
        { source: 'poly.reactivation.naive', cause: event },
        new Date(),
      );
      await writeOutbox(manager, [
        {
          topic: EligibilityRejected.topic,
          key: event.data.accountId,
          payload: Buffer.from(JSON.stringify(rejected)),
          headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
          eventType: EligibilityRejected.type,
        },
      ]);
    });
  }
}

@Controller()
class NaiveHealth {
  ready = false;

  @Get('health/ready')
  health(): { ready: boolean } {
    if (!this.ready) throw new Error('not ready');
    return { ready: true };
  }
}

@Module({ controllers: [NaiveHandler, NaiveHealth] })
class NaiveModule {}

async function main(): Promise<void> {
  await dataSource.initialize();
  const app = await NestFactory.create(NaiveModule, { logger: ['error', 'warn'] });
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.KAFKA,
    options: {
      client: {
        clientId: 'naive',
        brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      },
      consumer: { groupId: `${PREFIX}naive` },
      subscribe: { fromBeginning: true },
    },
  });
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.listen(Number(process.env.HTTP_PORT ?? 3990), '127.0.0.1');
  app.get(NaiveHealth).ready = true;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
