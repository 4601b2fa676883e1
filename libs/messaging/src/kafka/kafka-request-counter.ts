import { Kafka } from 'kafkajs';
import { Counter, Registry } from 'prom-client';

export const KAFKA_REQUESTS_METRIC = 'messaging_kafka_requests_total';

/**
 * Counts the requests every producer, consumer and admin client made from `kafka` sends to the
 * brokers (kafkajs's `*.network.request` instrumentation events), by client kind and API (Produce,
 * Fetch, OffsetCommit, Heartbeat, ...): the benchmark divides them by the sagas it ran. Returns
 * `kafka`, whose client factories now attach the counter.
 */
export function countKafkaRequests(kafka: Kafka, registry: Registry): Kafka {
  const requests =
    (registry.getSingleMetric(KAFKA_REQUESTS_METRIC) as Counter<'client' | 'api'> | undefined) ??
    new Counter({
      name: KAFKA_REQUESTS_METRIC,
      help: 'Requests sent to the Kafka brokers, by client kind (producer, consumer, admin) and API',
      labelNames: ['client', 'api'] as const,
      registers: [registry],
    });
  const producer = kafka.producer.bind(kafka);
  const consumer = kafka.consumer.bind(kafka);
  const admin = kafka.admin.bind(kafka);
  kafka.producer = (config) => {
    const client = producer(config);
    client.on(client.events.REQUEST, ({ payload }) =>
      requests.inc({ client: 'producer', api: payload.apiName }),
    );
    return client;
  };
  kafka.consumer = (config) => {
    const client = consumer(config);
    client.on(client.events.REQUEST, ({ payload }) =>
      requests.inc({ client: 'consumer', api: payload.apiName }),
    );
    return client;
  };
  kafka.admin = (config) => {
    const client = admin(config);
    client.on(client.events.REQUEST, ({ payload }) =>
      requests.inc({ client: 'admin', api: payload.apiName }),
    );
    return client;
  };
  return kafka;
}
