/**
 * Waits until a broker answers Kafka clients (describeCluster succeeds), not merely
 * until its port is open: a starting KRaft broker opens the port before it can serve.
 *   broker-ready.ts <host:port> [timeoutSeconds=60]
 * Prints a dot a second while waiting; exits 1 on timeout.
 */
import { saslFrom } from '@app/messaging';
import { logLevel } from 'kafkajs';
import { kafkaClient } from '@app/messaging';

async function main(): Promise<void> {
  const broker = process.argv[2] ?? '127.0.0.1:9092';
  const timeoutMs = Number(process.argv[3] ?? 60) * 1000;
  const deadline = Date.now() + timeoutMs;
  // No retries inside kafkajs: this loop is the retry, with its own deadline.
  const kafka = kafkaClient({
    clientId: 'broker-ready',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    retry: { retries: 0 },
    // A secure broker (kafka.sh KAFKA_SECURE=true) answers its admin only.
    sasl: saslFrom(process.env),
  });
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      console.log(
        `kafka: broker ${broker} ready (cluster ${cluster.clusterId}, controller ${cluster.controller})`,
      );
      return;
    } catch (err) {
      if (Date.now() >= deadline) {
        console.error(
          `kafka: broker ${broker} not ready after ${timeoutMs / 1000} s: ${String(err)}`,
        );
        process.exit(1);
      }
      process.stdout.write('.');
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

void main();
