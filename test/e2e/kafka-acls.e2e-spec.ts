/**
 * The broker of docker/compose.yaml, run here: `kafka.sh` in secure mode on its own ports and
 * data directory (SASL on the client listener, PLAIN for the admin, a SCRAM-SHA-512 user per
 * client, StandardAuthorizer with allow.everyone.if.no.acl.found=false and the ACLs of
 * libs/contracts KAFKA_ACCESS). Nobody gets in without credentials; each service boots with its
 * own and the saga completes end to end; a principal writing a topic it is not the producer of,
 * reading a topic it does not consume or joining another's group is refused by the broker.
 */
import {
  ANY,
  ConsumerGroups,
  KAFKA_ACCESS,
  KafkaPrincipal,
  Topics,
  topicSpecs,
} from '@app/contracts';
import { eventually, freePort, TestPublisher, TestSystem, TopicRecorder } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, KafkaConfig, logLevel, SASLOptions } from 'kafkajs';
import { OwnBroker, ROOT } from '../../scripts/chaos/own-infrastructure';
import { licenseIdsOf, newAccountId, suspendedAccount } from './support/accounts';
import { SERVICE_OF_GROUP } from './support/bad-records';
import { runOps } from './support/ops-cli';
import { newCustomer, SagaDriver } from './support/saga-driver';
import { DEAD_LETTER_TOPICS } from './support/system-harness';
import { kafkaClient } from '@app/messaging';

const ADMIN_PASSWORD = randomBytes(16).toString('hex');
/** A fresh password for every user of the table (the SCRAM users kafka.sh formats the broker with). */
const PASSWORDS = new Map(KAFKA_ACCESS.map((p) => [p.user, randomBytes(16).toString('hex')]));
const ALL_TOPICS = topicSpecs().map((s) => s.name);
const SERVICE_GROUPS = Object.values(ConsumerGroups);
/** The principals with narrow rights (ops may do everything). */
const LIMITED = KAFKA_ACCESS.filter((p) => !p.writes.includes(ANY));

const scram = (user: string, password = PASSWORDS.get(user)!): SASLOptions => ({
  mechanism: 'scram-sha-512',
  username: user,
  password,
});

/** What the broker answered: 'allowed', or the error code (a kafkajs error wraps the broker's). */
async function outcome(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return 'allowed';
  } catch (error) {
    return errorCode(error);
  }
}

/** The broker's error code if the chain of causes has one, else the innermost error's name. */
function errorCode(error: unknown): string {
  let innermost = error as Record<string, unknown>;
  for (let e: Record<string, unknown> | undefined = innermost; e;) {
    if (typeof e.type === 'string') return e.type;
    innermost = e;
    e = (e.cause ?? e.originalError) as Record<string, unknown> | undefined;
  }
  return String(innermost.name);
}

describe('Kafka with SASL/SCRAM and per-service ACLs (the compose broker, run here)', () => {
  let broker: OwnBroker;
  let brokers: string[];
  let sys: TestSystem | undefined;
  let recorder: TopicRecorder | undefined;
  let publisher: TestPublisher | undefined;

  const client = (sasl?: SASLOptions): Kafka =>
    kafkaClient({
      clientId: 'acl-probe',
      brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 3000,
      ...(sasl && { sasl }),
    } satisfies KafkaConfig);

  beforeAll(async () => {
    const port = await freePort();
    broker = await OwnBroker.start(
      port,
      await freePort(),
      join(ROOT, '.cache', `kafka-secure-${randomBytes(4).toString('hex')}`),
      '',
      {
        KAFKA_SECURE: 'true',
        KAFKA_ADMIN_PASSWORD: ADMIN_PASSWORD,
        KAFKA_SCRAM_USERS: [...PASSWORDS].map(([user, pw]) => `${user}:${pw}`).join(' '),
        KAFKA_HEAP: '-Xms256m -Xmx512m',
      },
    );
    brokers = broker.brokers;
    // Barrier: the group coordinator answers (a fresh broker creates __consumer_offsets first).
    const admin = client(scram('ops')).admin();
    await admin.connect();
    try {
      await eventually(() => admin.describeGroups(SERVICE_GROUPS), 30_000, 200);
    } finally {
      await admin.disconnect();
    }
  }, 180_000);

  afterAll(async () => {
    await publisher?.disconnect();
    await recorder?.stop();
    await sys?.stop();
    await broker?.destroy();
  }, 120_000);

  it("creates compose's SCRAM users for exactly the table's principals", () => {
    // docker/kafka-setup.sh makes the users in compose; the ACLs come from the table.
    const script = readFileSync(join(ROOT, 'docker', 'kafka-setup.sh'), 'utf8');
    const users = [...script.matchAll(/^user (\S+) /gm)].map((m) => m[1]);
    expect(users.sort()).toEqual(KAFKA_ACCESS.map((p) => p.user).sort());
  });

  /** Lists the topics as `sasl` (or as nobody). */
  async function listTopics(sasl?: SASLOptions): Promise<string> {
    const admin = client(sasl).admin();
    try {
      return await outcome(async () => {
        await admin.connect();
        await admin.listTopics();
      });
    } finally {
      await admin.disconnect();
    }
  }

  it('refuses a client without credentials, or with a wrong password', async () => {
    // Without SASL the broker closes the connection at the first request but ApiVersions.
    expect(await listTopics()).toBe('KafkaJSConnectionClosedError');
    expect(await listTopics(scram('billing', 'not-the-password'))).toBe(
      'KafkaJSSASLAuthenticationError',
    );
    expect(await listTopics(scram('billing'))).toBe('allowed');
  });

  /**
   * A consumer of `principal` in `groupId` reading `topic` from the beginning: 'allowed' at its
   * first successful fetch, else the broker's refusal (of the subscription or, once in the group,
   * of the fetch or the group itself).
   */
  async function readOutcome(user: string, groupId: string, topic: string): Promise<string> {
    const consumer = client(scram(user)).consumer({
      groupId,
      maxWaitTimeInMs: 100,
      // A few retries: the first coordinator lookup of a fresh broker waits for __consumer_offsets.
      retry: { retries: 3, initialRetryTime: 100, restartOnFailure: () => Promise.resolve(false) },
    });
    const answered = new Promise<string>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => resolve(errorCode(payload.error)));
      consumer.on(consumer.events.FETCH, () => resolve('allowed'));
    });
    await consumer.connect();
    try {
      const subscribed = await outcome(() =>
        consumer.subscribe({ topics: [topic], fromBeginning: true }),
      );
      if (subscribed !== 'allowed') return subscribed;
      await consumer.run({ eachMessage: () => Promise.resolve() });
      return await answered;
    } finally {
      await consumer.disconnect();
    }
  }

  it.each(LIMITED.map((principal) => ({ user: principal.user, principal })))(
    '$user cannot write a topic it is not the producer of',
    async ({ principal }: { principal: KafkaPrincipal }) => {
      const producer = client(scram(principal.user)).producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        // Only the forbidden ones: what it may write the saga below writes.
        const forbidden = ALL_TOPICS.filter((t) => !principal.writes.includes(t));
        const outcomes: Record<string, string> = {};
        for (const topic of forbidden) {
          outcomes[topic] = await outcome(() =>
            producer.send({ topic, acks: -1, messages: [{ key: 'acl-probe', value: '{}' }] }),
          );
        }
        expect(outcomes).toEqual(
          Object.fromEntries(forbidden.map((t) => [t, 'TOPIC_AUTHORIZATION_FAILED'])),
        );
      } finally {
        await producer.disconnect();
      }
    },
    60_000,
  );

  it.each(LIMITED.map((principal) => ({ user: principal.user, principal })))(
    '$user cannot read a topic it does not consume, nor join another group',
    async ({ principal }: { principal: KafkaPrincipal }) => {
      const [group] = principal.groups;
      const forbidden = ALL_TOPICS.filter((t) => !principal.reads.includes(t));
      const outcomes: Record<string, string> = {};
      for (const topic of forbidden)
        outcomes[topic] = await readOutcome(principal.user, group, topic);
      expect(outcomes).toEqual(
        Object.fromEntries(forbidden.map((t) => [t, 'TOPIC_AUTHORIZATION_FAILED'])),
      );
      // A topic it may read: allowed in its own group, refused in another service's. (kafkajs
      // reports the broker's GROUP_AUTHORIZATION_FAILED to its coordinator lookup as "no
      // coordinator found".)
      const [readable] = principal.reads;
      const other = SERVICE_GROUPS.find((g) => g !== group)!;
      expect(await readOutcome(principal.user, group, readable)).toBe('allowed');
      expect(await readOutcome(principal.user, other, readable)).toBe(
        'KafkaJSGroupCoordinatorNotFound',
      );
    },
    60_000,
  );

  it('boots each service with its own SCRAM user, and a reactivation completes end to end', async () => {
    sys = await TestSystem.start({
      prefix: '', // the admin created the topics on this broker (kafka.sh start)
      env: { KAFKA_BROKERS: brokers.join(','), KAFKA_SASL_MECHANISM: 'scram-sha-512' },
      perService: Object.fromEntries(
        Object.values(SERVICE_OF_GROUP).map((user) => [
          user,
          { KAFKA_SASL_USERNAME: user, KAFKA_SASL_PASSWORD: PASSWORDS.get(user)! },
        ]),
      ),
    });
    recorder = await TopicRecorder.start('', [...Object.values(Topics), ...DEAD_LETTER_TOPICS], {
      brokers,
      sasl: scram('ops'),
    });
    publisher = await TestPublisher.connect('', { brokers, sasl: scram('upstream-billing') });
    const driver = new SagaDriver(sys, recorder, publisher);

    const accountId = newAccountId('acl');
    const account = suspendedAccount(accountId, { licenses: 2 });
    await driver.importAccount(accountId, account);
    const order = await driver.placeOrder(
      accountId,
      'EU',
      licenseIdsOf(account),
      newCustomer(accountId),
    );
    await driver.pay(order);
    const final = await driver.finalEvent(order.id);
    expect(final.type).toBe('OrderFulfilled');
    await driver.orderReaches(order.id, 'FULFILLED');
    expect(
      recorder.records.filter((r) => DEAD_LETTER_TOPICS.includes(r.topic)).map((r) => r.headers),
    ).toEqual([]);

    // The ops CLI with the ops user's credentials reads every service group's lag.
    const lag = await runOps('', ['lag', '--json'], {
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ops',
      KAFKA_SASL_PASSWORD: PASSWORDS.get('ops')!,
    });
    if (lag.code !== 0) throw new Error(`ops lag exited ${lag.code}: ${lag.stderr}`);
    expect((JSON.parse(lag.stdout) as { group: string }[]).map((g) => g.group).sort()).toEqual(
      [...SERVICE_GROUPS].sort(),
    );
  }, 90_000);
});
