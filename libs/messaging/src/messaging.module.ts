import { DynamicModule, FactoryProvider, Module, ModuleMetadata } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KafkaEventServer } from './consumer/kafka-event.server';
import { InboxPruner } from './inbox/inbox.pruner';
import { countKafkaRequests } from './kafka/kafka-request-counter';
import { kafkaClientConfig, MessagingOptions } from './kafka/messaging.config';
import { MessagingMetrics } from './metrics/messaging.metrics';
import { OutboxRelay } from './outbox/outbox.relay';
import { UnitOfWork } from './transaction/unit-of-work';
import { kafkaClient } from './kafka/kafka-client';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => MessagingOptions | Promise<MessagingOptions>;
}

/**
 * The messaging runtime of a service: Kafka client, outbox relay, unit of work and the Kafka
 * transport. Needs a TypeORM DataSource in scope (TypeOrmModule.forRoot in the app).
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory as (...args: unknown[]) => MessagingOptions,
        },
        {
          provide: Kafka,
          inject: [MESSAGING_OPTIONS, MessagingMetrics],
          useFactory: (o: MessagingOptions, m: MessagingMetrics) => {
            const kafka = kafkaClient({ ...kafkaClientConfig(o), logLevel: logLevel.WARN });
            return countKafkaRequests(kafka, m.registry);
          },
        },
        MessagingMetrics,
        {
          provide: OutboxRelay,
          inject: [DataSource, Kafka, MESSAGING_OPTIONS, MessagingMetrics],
          useFactory: (ds: DataSource, kafka: Kafka, o: MessagingOptions, m: MessagingMetrics) =>
            new OutboxRelay(ds, kafka, o, m),
        },
        {
          provide: InboxPruner,
          inject: [DataSource, MESSAGING_OPTIONS, MessagingMetrics],
          useFactory: (ds: DataSource, o: MessagingOptions, m: MessagingMetrics) =>
            new InboxPruner(ds, o, m),
        },
        {
          provide: UnitOfWork,
          inject: [DataSource, OutboxRelay, MESSAGING_OPTIONS],
          useFactory: (ds: DataSource, relay: OutboxRelay, o: MessagingOptions) =>
            new UnitOfWork(ds, relay, o),
        },
        {
          provide: KafkaEventServer,
          inject: [Kafka, DataSource, OutboxRelay, MESSAGING_OPTIONS, MessagingMetrics],
          useFactory: (
            kafka: Kafka,
            ds: DataSource,
            relay: OutboxRelay,
            o: MessagingOptions,
            m: MessagingMetrics,
          ) => new KafkaEventServer(kafka, ds, relay, o, m),
        },
      ],
      exports: [
        MESSAGING_OPTIONS,
        Kafka,
        MessagingMetrics,
        OutboxRelay,
        InboxPruner,
        UnitOfWork,
        KafkaEventServer,
      ],
    };
  }
}
