/**
 * CLI: put the ACLs of libs/contracts KAFKA_ACCESS (who may read and write what) on the broker.
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/kafka/create-acls.ts
 * Run as the broker's admin: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_SSL and the three
 * KAFKA_SASL_* variables as for create-topics.ts. Run by `kafka.sh start` in secure mode and by
 * compose's kafka-setup job.
 */
import { ensureAcls, saslFrom } from '@app/messaging';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const count = await ensureAcls(brokers, process.env.KAFKA_TOPIC_PREFIX ?? '', {
    ssl: process.env.KAFKA_SSL === 'true',
    sasl: saslFrom(process.env),
  });
  console.log(`kafka: ${count} ACL entries in place on ${brokers.join(',')}`);
}

main().catch((err: unknown) => {
  console.error('kafka: creating ACLs failed:', err);
  process.exit(1);
});
