/**
 * Hostile records on every topic a service consumes, the four services running as processes on
 * the real broker and PostgreSQL. Each kind of bad record is put on every consumed topic, with a
 * valid record right behind it on the same key and partition: every group consuming the topic
 * dead-letters the bad one to `<group>.dlq.v1` (original key and value kept, a readable
 * `dlq-reason` and a `dlq-error-code`) and handles the valid one. No partition is blocked.
 * The attacks on the signed payments of billing.payments.v1 (forged, stale, replayed, re-keyed,
 * re-timestamped) are the table of bad-payments.e2e-spec.ts.
 */
import {
  AccountSnapshot,
  ActivationScheduled,
  CloudEvent,
  ConsumerGroup,
  ConsumerGroups,
  deadLetterTopicOf,
  EligibilityReviewRequired,
  EventContract,
  EventSources,
  OrderRefunded,
  PaymentFailed,
  producerSourceOf,
  TopicName,
  Topics,
} from '@app/contracts';
import { AccountScoped, createEvent } from '@app/messaging';
import { eventually, RecordedRecord } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { handledBy, RawProducer, RawRecord } from './support/bad-records';
import { SystemHarness } from './support/system-harness';

/** How long a row may take: dead letters are published by the relay, offsets committed each second. */
const ROW_TIMEOUT_MS = 45_000;

/** A valid event of a topic, on its account's key, as the record behind a bad one. */
interface ValidRecord {
  key: string;
  event: CloudEvent;
  value: Buffer;
}

function valid<C extends EventContract>(
  contract: C,
  data: InstanceType<C> & AccountScoped,
): ValidRecord {
  const event = createEvent(
    contract,
    data,
    { source: producerSourceOf(contract.topic), correlationId: data.accountId },
    new Date(),
  );
  return { key: data.accountId, event, value: Buffer.from(JSON.stringify(event)) };
}

/** The valid event's envelope with other fields, padded with an unknown field to `bytes` bytes. */
function envelopeOf(record: ValidRecord, fields: object, bytes = 0): Buffer {
  const envelope = { ...record.event, ...fields };
  const base = Buffer.byteLength(JSON.stringify({ ...envelope, padding: '' }));
  return Buffer.from(
    JSON.stringify({ ...envelope, padding: 'x'.repeat(Math.max(0, bytes - base)) }),
  );
}

/** Some text, and no control characters but line breaks and tabs. */
const readable = (text: string | undefined): boolean =>
  !!text && text.trim().length > 0 && ![...text].some((c) => c < ' ' && !'\n\r\t'.includes(c));

const unknownType = { type: 'NoSuchEvent', dataschema: 'urn:poly:reactivation:NoSuchEvent:v1' };

interface ConsumedTopic {
  topic: TopicName;
  /** The groups consuming it (each service subscribes to the topics of the events it handles). */
  groups: ConsumerGroup[];
  /** Records on it are signed (upstream billing signs what it publishes). */
  signed: boolean;
  /** A valid event for the record behind the bad one, and the groups that handle its type (the others pass over it). */
  valid: (accountId: string) => ValidRecord;
  handledBy: ConsumerGroup[];
}

const { Billing, Eligibility, Licensing, Notifications } = ConsumerGroups;
const soon = () => new Date(Date.now() + 86_400_000).toISOString();

/** Every consumed topic, who consumes it, and a valid event to put behind a bad record. */
const CONSUMED_TOPICS: ConsumedTopic[] = [
  {
    topic: Topics.BillingPayments,
    groups: [Billing],
    signed: true,
    valid: (accountId) =>
      valid(PaymentFailed, {
        paymentId: randomUUID(),
        orderId: randomUUID(),
        accountId,
        reason: 'card declined',
      }),
    handledBy: [Billing],
  },
  {
    topic: Topics.LicensingAccounts,
    groups: [Eligibility],
    signed: false,
    valid: (accountId) =>
      valid(AccountSnapshot, {
        accountId,
        region: 'EU',
        status: 'SUSPENDED',
        outstandingBalance: { amountMinor: 0, currency: 'EUR' },
        holds: [],
        contracts: [],
        licenses: [],
        version: 1,
      }),
    handledBy: [Eligibility],
  },
  {
    topic: Topics.ReactivationBilling,
    groups: [Eligibility, Notifications],
    signed: false,
    valid: (accountId) =>
      valid(OrderRefunded, {
        orderId: randomUUID(),
        accountId,
        refundId: randomUUID(),
        amount: { amountMinor: 100, currency: 'EUR' },
        reasons: ['OUTSTANDING_BALANCE'],
        refundedAt: new Date().toISOString(),
      }),
    handledBy: [Eligibility, Notifications],
  },
  {
    topic: Topics.ReactivationEligibility,
    groups: [Billing, Licensing, Notifications],
    signed: false,
    valid: (accountId) =>
      valid(EligibilityReviewRequired, {
        orderId: randomUUID(),
        accountId,
        reviewId: randomUUID(),
        holdIds: ['hold-1'],
        requiredDocuments: ['passport'],
        deadline: soon(),
      }),
    handledBy: [Notifications],
  },
  {
    topic: Topics.ReactivationLicensing,
    groups: [Billing, Notifications],
    signed: false,
    valid: (accountId) =>
      valid(ActivationScheduled, { orderId: randomUUID(), accountId, scheduledFor: soon() }),
    handledBy: [Notifications],
  },
];

interface BadRecordKind {
  name: string;
  /** The bad record, from the valid one behind it and the broker's record size limit. */
  record: (behind: ValidRecord, maxBytes: number) => RawRecord;
  /** The `dlq-error-code` it must get (its own fault, not a later one); absent: any code. */
  code?: string;
}

/** Every kind of bad record; each is put on every consumed topic. */
const BAD_RECORDS: BadRecordKind[] = [
  {
    name: 'not JSON',
    record: ({ key }) => ({ key, value: Buffer.from('{"specversion":"1.0","type":') }),
    code: 'NOT_JSON',
  },
  {
    name: 'wrong schema',
    record: (behind) => ({
      key: behind.key,
      value: envelopeOf(behind, { data: { ...(behind.event.data as object), accountId: 42 } }),
    }),
    code: 'INVALID_DATA',
  },
  {
    name: 'unknown type',
    record: (behind) => ({ key: behind.key, value: envelopeOf(behind, unknownType) }),
    code: 'UNKNOWN_EVENT_TYPE',
  },
  {
    name: "an event from the wrong producer (another CloudEvents source than its topic's one)",
    record: (behind) => ({
      key: behind.key,
      value: envelopeOf(behind, {
        source: Object.values(EventSources).find((s) => s !== behind.event.source),
      }),
    }),
    code: 'WRONG_PRODUCER',
  },
  {
    name: 'a NUL byte in the key',
    // The valid record behind it has the key without the NUL byte (and the same partition).
    record: ({ key }) => ({ key: `${key}\u0000`, value: Buffer.from('not json') }),
    code: 'NOT_JSON',
  },
  {
    name: 'a NUL byte in a header',
    record: ({ key }) => ({
      key,
      value: Buffer.from('not json'),
      headers: { 'x-note': 'before\u0000after' },
    }),
    code: 'NOT_JSON',
  },
  {
    name: 'a NUL byte in the value (quoted by the parse error)',
    record: ({ key }) => ({ key, value: Buffer.from('\u0000 not json') }),
    code: 'NOT_JSON',
  },
  {
    name: 'a value at the size limit',
    // Room left for the batch, the key and a signature header.
    record: (behind, maxBytes) => ({
      key: behind.key,
      value: envelopeOf(behind, unknownType, maxBytes - 400),
    }),
  },
  {
    name: 'gzip that expands past the size limit',
    record: (behind, maxBytes) => ({
      key: behind.key,
      value: envelopeOf(behind, unknownType, 2 * maxBytes),
      gzip: true,
    }),
  },
];

/** What became of one row on one topic, for one consuming group. */
interface Outcome {
  topic: string;
  group: string;
  deadLettered: boolean;
  validHandled: boolean;
}

describe('bad records on every consumed topic: dead-lettered, and the record behind is handled', () => {
  let harness: SystemHarness;
  let producer: RawProducer;

  beforeAll(async () => {
    harness = await SystemHarness.start();
    producer = await RawProducer.connect(harness.sys.prefix);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await harness?.stop();
  });

  const deadLetterOf = (group: string, topic: string, partition: number, offset: string) =>
    harness.recorder.records.find(
      (r: RecordedRecord) =>
        r.topic === deadLetterTopicOf(group) &&
        r.headers['dlq-origin-topic'] === topic &&
        r.headers['dlq-origin-partition'] === String(partition) &&
        r.headers['dlq-origin-offset'] === offset,
    );

  // The first rows share partition 0; each later row (those that could block a partition) gets a
  // partition of its own, so that one blocked partition does not hide how the next row fares.
  it.each(BAD_RECORDS.map((kind, index) => ({ ...kind, partition: Math.max(0, index - 3) })))(
    '$name',
    async ({ record, code, partition }) => {
      const rows = await Promise.all(
        CONSUMED_TOPICS.map(async (consumed) => {
          const behind = consumed.valid(`acc-bad-${randomUUID().slice(0, 8)}`);
          const bad = record(behind, await producer.maxMessageBytes(consumed.topic));
          const badOffset = await producer.send(consumed.topic, partition, bad, consumed.signed);
          const validOffset = await producer.send(
            consumed.topic,
            partition,
            { key: behind.key, value: behind.value },
            consumed.signed,
          );
          return { consumed, behind, bad, badOffset, validOffset };
        }),
      );

      const outcomes = async (): Promise<Outcome[]> =>
        Promise.all(
          rows.flatMap(({ consumed, behind, badOffset, validOffset }) =>
            consumed.groups.map(async (group) => ({
              topic: consumed.topic,
              group,
              deadLettered: !!deadLetterOf(group, consumed.topic, partition, badOffset),
              validHandled:
                (await producer.committedOffset(group, consumed.topic, partition)) >
                  Number(validOffset) &&
                (!consumed.handledBy.includes(group) ||
                  (await handledBy(harness.sys, group, behind.event.id))),
            })),
          ),
        );
      const expected = rows.flatMap(({ consumed }) =>
        consumed.groups.map((group) => ({
          topic: consumed.topic,
          group,
          deadLettered: true,
          validHandled: true,
        })),
      );
      await eventually(async () => expect(await outcomes()).toEqual(expected), ROW_TIMEOUT_MS, 500);

      for (const { consumed, bad, badOffset, validOffset } of rows) {
        for (const group of consumed.groups) {
          const letter = deadLetterOf(group, consumed.topic, partition, badOffset)!;
          // A reason a person can read: some text, no control characters but spaces.
          const reason = letter.headers['dlq-reason'];
          if (!readable(reason)) throw new Error(`unreadable dlq-reason ${JSON.stringify(reason)}`);
          expect(letter.headers['dlq-error-code']).toMatch(
            code ? new RegExp(`^${code}$`) : /^\S+$/,
          );
          // The original record is kept as it was.
          expect(letter.key).toBe(bad.key === null ? null : bad.key.toString());
          expect(letter.value?.equals(bad.value)).toBe(true);
          for (const [name, value] of Object.entries(bad.headers ?? {})) {
            expect(letter.headers[name]).toBe(value.toString());
          }
          // The valid record behind it was not dead-lettered.
          expect(deadLetterOf(group, consumed.topic, partition, validOffset)).toBeUndefined();
        }
      }
    },
    ROW_TIMEOUT_MS + 30_000,
  );
});
