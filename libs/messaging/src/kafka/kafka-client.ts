import { Kafka, KafkaConfig } from 'kafkajs';
import { fixKafkajsIdleTimer } from './kafkajs-idle-timer';

/**
 * The one way the project makes a kafkajs client (services, the ops CLI, scripts, tests): with
 * kafkajs's idle timer corrected first (see fixKafkajsIdleTimer), so that no process wakes a
 * thousand times a second for nothing or prints Node's TimeoutNegativeWarning. Lint forbids
 * `new Kafka(...)` elsewhere.
 */
export function kafkaClient(config: KafkaConfig): Kafka {
  fixKafkajsIdleTimer();
  return new Kafka(config);
}
