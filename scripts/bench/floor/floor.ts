/**
 * The floor: a hand-written implementation of the saga's hops (billing, eligibility, licensing,
 * billing again, notifications) in one process, with the product's guarantees — signed payments
 * verified, inbox row in the effect's transaction, transactional outbox with an in-process relay
 * (acks=all, idempotent producer), one transaction per fetched batch, offsets committed after the
 * commit — and no framework: plain kafkajs and pg. The bench runs it next to the product
 * (`--floor`) so the ratio is measured on the same machine in the same run.
 *
 * Environment (the bench sets it): DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, HTTP_PORT,
 * UPSTREAM_SIGNING_SECRET, SMTP_URL, PII_ENCRYPTION_KEY; FLOOR_PARTS, the parts this process runs
 * (default all four: `billing,eligibility,licensing,notifications`; the bench's
 * `--floor-processes 4` runs one a process, as the product's four services are). `GET
 * /health/ready` answers once every consumer runs; `GET /floor/counts` gives what each part did,
 * `GET /metrics` its Kafka requests.
 */
import { Topics } from '@app/contracts';
import { countKafkaRequests } from '@app/messaging';
import { countStatements, PersonalDataCipher } from '@app/platform';
import { createServer } from 'node:http';
import { logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { Counter, Registry } from 'prom-client';
import { floorBilling } from './floor-billing';
import { floorEligibility } from './floor-eligibility';
import { floorLicensing } from './floor-licensing';
import { FloorMailer, floorNotifications } from './floor-notifications';
import { FLOOR_DDL, FLOOR_SCHEMAS } from './floor-schema';
import { FloorService, FloorServiceOptions } from './floor-service';
import { kafkaClient } from '@app/messaging';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

/** The floor's parts: one a schema of its database. */
const PARTS = FLOOR_SCHEMAS;
type Part = (typeof PARTS)[number];

/** The parts named by FLOOR_PARTS (comma-separated), all four when it is not set. */
function partsOf(value: string | undefined): Set<Part> {
  if (!value) return new Set(PARTS);
  const named = value.split(',').map((part) => part.trim());
  const unknown = named.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) {
    throw new Error(`FLOOR_PARTS: ${unknown.join(', ')} not one of ${PARTS.join(', ')}`);
  }
  return new Set(named as Part[]);
}

async function main(): Promise<void> {
  const parts = partsOf(process.env.FLOOR_PARTS);
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const connectionString = required('DATABASE_URL');
  const registry = new Registry();
  countStatements(registry);
  const kafka = countKafkaRequests(
    kafkaClient({
      clientId: 'floor',
      brokers: required('KAFKA_BROKERS').split(','),
      logLevel: logLevel.WARN,
    }),
    registry,
  );
  // One pool per service, as four services would have.
  const byService = new Counter({
    name: 'floor_statements_total',
    help: 'Statements sent to PostgreSQL, by floor service',
    labelNames: ['service'] as const,
    registers: [registry],
  });
  const pool = (service: string) => {
    const created = new Pool({ connectionString, max: 4 });
    created.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: typeof query }).query = (...args) => {
        byService.inc({ service });
        return query(...args);
      };
    });
    return created;
  };
  const ddl = new Pool({ connectionString, max: 1 });
  await ddl.query(FLOOR_DDL);
  await ddl.end();

  const billing = floorBilling(required('UPSTREAM_SIGNING_SECRET'));
  const eligibility = floorEligibility();
  const licensing = floorLicensing();
  const notifications = floorNotifications();
  const notificationsPool = parts.has('notifications') ? pool('notifications') : undefined;
  // Each part: the topics it consumes and its handler.
  const consumes: Record<Part, Pick<FloorServiceOptions, 'topics' | 'handle'>> = {
    billing: {
      topics: [Topics.BillingPayments, Topics.ReactivationLicensing],
      handle: billing.handle,
    },
    eligibility: {
      topics: [Topics.ReactivationBilling, Topics.ReactivationLicensing],
      handle: eligibility.handle,
    },
    licensing: { topics: [Topics.ReactivationEligibility], handle: licensing.handle },
    notifications: {
      topics: [
        Topics.ReactivationBilling,
        Topics.ReactivationEligibility,
        Topics.ReactivationLicensing,
      ],
      handle: notifications.handle,
    },
  };
  const services: Partial<Record<Part, FloorService>> = Object.fromEntries(
    [...parts].map((part) => [
      part,
      new FloorService({
        kafka,
        prefix,
        schema: part,
        pool: part === 'notifications' ? notificationsPool! : pool(part),
        ...consumes[part],
        ...(part === 'notifications' ? { afterCommit: () => mailer?.wake() } : {}),
      }),
    ]),
  );
  const mailer = notificationsPool
    ? new FloorMailer(
        notificationsPool,
        required('SMTP_URL'),
        new PersonalDataCipher(required('PII_ENCRYPTION_KEY')),
        () => services.notifications?.wakeRelay(),
      )
    : undefined;
  const running = Object.values(services).filter((s) => s !== undefined);

  let ready = false;
  // What this process's parts did (the bench adds up those of several processes).
  const counts = () => ({
    ...Object.fromEntries(
      Object.entries(services).flatMap(([name, s]) => (s ? [[name, s.counts]] : [])),
    ),
    ...(services.billing ? { billingDecisions: billing.counts } : {}),
    ...(services.eligibility ? { eligibilityDecisions: eligibility.counts } : {}),
    ...(services.licensing ? { licensingDecisions: licensing.counts } : {}),
    ...(mailer ? { mailer: mailer.counts } : {}),
  });
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      void registry.metrics().then((text) => response.end(text));
      return;
    }
    const body =
      request.url === '/health/ready' && ready
        ? { ready }
        : request.url === '/floor/counts'
          ? counts()
          : undefined;
    response.writeHead(body ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { ready }));
  });
  server.listen(Number(required('HTTP_PORT')), '127.0.0.1');

  await Promise.all(running.map((s) => s.start()));
  ready = true;

  process.once('SIGTERM', () => {
    ready = false;
    void Promise.all(running.map((s) => s.stop()))
      .then(() => mailer?.stop())
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
