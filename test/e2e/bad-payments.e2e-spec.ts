/**
 * Hostile signed payments on billing.payments.v1: the security specification of the upstream
 * edge, one row per attack, the four services running as processes on the real broker and
 * PostgreSQL. Billing's signature tolerance is shortened (UPSTREAM_SIGNATURE_TOLERANCE_SECONDS)
 * so that "stale" needs seconds, not 5 minutes. Each row is sent for an open order of its own;
 * a refused record is dead-lettered with its reason and changes nothing (the order still waits,
 * no OrderPaid, PaymentRejected or refund); an accepted one pays its order exactly once; billing
 * stays ready. Malformed records of every consumed topic, and events from the wrong producer on
 * each of them, are bad-records.e2e-spec.ts's table.
 *
 * Then a genuine payment dead-lettered (its write refused by the database) and redriven with
 * `ops dlq redrive` after the tolerance has passed is accepted, on its original append time
 * (sealed into the dead letter), while a copy of it produced again is refused as stale.
 */
import {
  CloudEvent,
  ConsumerGroups,
  deadLetterTopicOf,
  EventSources,
  OrderPaid,
  PaymentCaptured,
  PaymentRejected,
  RefundRequested,
  SIGNATURE_HEADER,
  signPayload,
  Topics,
} from '@app/contracts';
import { createEvent, DeadLetterHeaders } from '@app/messaging';
import { eventually, queryDatabase, RecordedRecord, TEST_UPSTREAM_SECRET } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { newAccountId } from './support/accounts';
import { RawProducer, RawRecord } from './support/bad-records';
import { opsJson } from './support/ops-cli';
import { newCustomer, Order } from './support/saga-driver';
import { SystemHarness } from './support/system-harness';

/** Billing's signature tolerance in this file (production: 300 s). */
const TOLERANCE_S = 3;
const BILLING = ConsumerGroups.Billing;
const DEAD_LETTERS = deadLetterTopicOf(BILLING);
/** Every row's records go to one partition, so billing handles them in the order sent. */
const PARTITION = 0;
const YEAR_MS = 365 * 24 * 3600 * 1000;

const nowS = () => Math.floor(Date.now() / 1000);

/** Whether a record is billing's dead letter of the payment at `offset`. */
function isLetterOf(r: RecordedRecord, offset: string): boolean {
  return (
    r.topic === DEAD_LETTERS &&
    r.headers[DeadLetterHeaders.OriginTopic] === Topics.BillingPayments &&
    r.headers[DeadLetterHeaders.OriginPartition] === String(PARTITION) &&
    r.headers[DeadLetterHeaders.OriginOffset] === offset
  );
}

/** A payment of an order as upstream would capture it, at `at`. */
function paymentOf(order: Order, at = new Date()): CloudEvent<PaymentCaptured> {
  return createEvent(
    PaymentCaptured,
    {
      paymentId: `pay-${randomUUID()}`,
      orderId: order.id,
      accountId: order.accountId,
      amount: order.amount,
      capturedAt: at.toISOString(),
    },
    { source: EventSources.UpstreamBilling, correlationId: order.id },
    at,
  );
}

/** The record upstream sends: key = accountId, the value signed at `signedAt` (unix seconds). */
function signed(
  event: CloudEvent,
  options: { key?: string; signedAt?: number; secret?: string; timestamp?: number } = {},
): RawRecord {
  const value = Buffer.from(JSON.stringify(event));
  return {
    key: options.key ?? event.subject,
    value,
    headers: {
      [SIGNATURE_HEADER]: signPayload(
        options.secret ?? TEST_UPSTREAM_SECRET,
        value,
        options.signedAt ?? nowS(),
      ),
    },
    timestamp: options.timestamp,
  };
}

type Outcome = { deadLetter: { code: string; reason: RegExp } } | 'paid once';

interface PaymentRow {
  name: string;
  /** The records sent, in order, for an open order. */
  records: (order: Order) => RawRecord[];
  outcome: Outcome;
}

const refused = (code: string, reason: RegExp): Outcome => ({ deadLetter: { code, reason } });

/** Every attack on the upstream payment edge, and what must become of it. */
const PAYMENT_ROWS: PaymentRow[] = [
  {
    name: 'forged: signed with another secret',
    records: (order) => [signed(paymentOf(order), { secret: 'not-the-upstream-secret' })],
    outcome: refused('UNAUTHENTICATED', /x-signature mismatch/),
  },
  {
    name: 'stale: signed longer than the tolerance before the broker appended it',
    records: (order) => [signed(paymentOf(order), { signedAt: nowS() - 3 * TOLERANCE_S })],
    outcome: refused('UNAUTHENTICATED', /x-signature stale/),
  },
  {
    name: 'replayed: the same signed payment twice, byte for byte',
    records: (order) => {
      const record = signed(paymentOf(order));
      return [record, record];
    },
    outcome: 'paid once',
  },
  {
    name: 're-keyed: its Kafka key names another account',
    records: (order) => [signed(paymentOf(order), { key: newAccountId('victim') })],
    outcome: refused('UNAUTHENTICATED', /name different accounts/),
  },
  {
    name: 're-subjected: its CloudEvents subject names another account',
    records: (order) => {
      const event = { ...paymentOf(order), subject: newAccountId('victim') };
      return [signed(event, { key: order.accountId })];
    },
    outcome: refused('UNAUTHENTICATED', /name different accounts/),
  },
  {
    name: 're-timestamped: a year-old signed payment produced again with its old timestamp',
    records: (order) => {
      const then = Date.now() - YEAR_MS;
      return [
        signed(paymentOf(order, new Date(then)), {
          signedAt: Math.floor(then / 1000),
          timestamp: then,
        }),
      ];
    },
    outcome: refused('UNAUTHENTICATED', /x-signature stale/),
  },
  {
    name: 're-timestamped: a fresh payment whose producer timestamp says a year ago (append time wins)',
    records: (order) => [signed(paymentOf(order), { timestamp: Date.now() - YEAR_MS })],
    outcome: 'paid once',
  },
  {
    name: 're-timestamped: a fresh payment whose producer timestamp says a year ahead (append time wins)',
    records: (order) => [signed(paymentOf(order), { timestamp: Date.now() + YEAR_MS })],
    outcome: 'paid once',
  },
  {
    name: 'from the wrong producer: signed, but its source is billing, not upstream',
    records: (order) => [signed({ ...paymentOf(order), source: EventSources.Billing })],
    outcome: refused('WRONG_PRODUCER', /is produced by "upstream-billing" only/),
  },
];

describe('hostile signed payments: refused with a reason, or paid once; nothing else changes', () => {
  let harness: SystemHarness;
  let producer: RawProducer;

  beforeAll(async () => {
    harness = await SystemHarness.start({
      billing: { UPSTREAM_SIGNATURE_TOLERANCE_SECONDS: String(TOLERANCE_S) },
    });
    producer = await RawProducer.connect(harness.sys.prefix);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await harness?.stop();
  });

  const openOrder = (label: string): Promise<Order> => {
    const accountId = newAccountId(label);
    return harness.driver.placeOrder(
      accountId,
      'EU',
      [`${accountId}-lic-1`],
      newCustomer(accountId),
    );
  };

  const send = async (records: RawRecord[]): Promise<string[]> => {
    const offsets: string[] = [];
    for (const record of records) {
      offsets.push(await producer.send(Topics.BillingPayments, PARTITION, record, false));
    }
    return offsets;
  };

  /** Billing has handled (and committed) every record up to `offset` of the partition. */
  const handled = (offset: string) =>
    eventually(
      async () => {
        const committed = await producer.committedOffset(
          BILLING,
          Topics.BillingPayments,
          PARTITION,
        );
        if (committed <= Number(offset))
          throw new Error(`billing committed ${committed}, not past ${offset}`);
      },
      30_000,
      200,
    );

  const deadLetterAt = (offset: string) =>
    harness.recorder.waitFor(
      (r) => isLetterOf(r, offset),
      30_000,
      `the dead letter of offset ${offset}`,
    );

  const eventsOf = (type: string, orderId: string) =>
    harness.recorder.events<{ orderId: string }>(type).filter((e) => e.data.orderId === orderId);

  const ready = async () => (await fetch(`${harness.sys.billing.url}/health/ready`)).status;

  it.each(PAYMENT_ROWS)(
    '$name',
    async ({ records, outcome }) => {
      const order = await openOrder('pay');
      const sent = records(order);
      const offsets = await send(sent);
      await handled(offsets[offsets.length - 1]);

      if (outcome === 'paid once') {
        await harness.recorder.waitForEvent<OrderPaid>(
          OrderPaid.type,
          (d) => d.orderId === order.id,
        );
        await harness.sys.quiesce(harness.recorder);
        expect(eventsOf(OrderPaid.type, order.id)).toHaveLength(1);
        expect(eventsOf(PaymentRejected.type, order.id)).toEqual([]);
        for (const offset of offsets) {
          expect(harness.recorder.records.filter((r) => isLetterOf(r, offset))).toEqual([]);
        }
      } else {
        const letter = await deadLetterAt(offsets[0]);
        expect(letter.headers[DeadLetterHeaders.ErrorCode]).toBe(outcome.deadLetter.code);
        expect(letter.headers[DeadLetterHeaders.Reason]).toMatch(outcome.deadLetter.reason);
        expect(letter.value?.equals(sent[0].value)).toBe(true); // the original, byte for byte
        await harness.sys.quiesce(harness.recorder);
        expect(await harness.driver.orderStatus(order.id)).toBe('AWAITING_PAYMENT');
        for (const type of [OrderPaid.type, PaymentRejected.type, RefundRequested.type]) {
          expect(eventsOf(type, order.id)).toEqual([]);
        }
      }
      expect(await ready()).toBe(200);
    },
    60_000,
  );

  it('accepts a genuine payment redriven after the tolerance (its original append time), and refuses a copy produced again', async () => {
    const order = await openOrder('redrive');
    const payment = paymentOf(order);
    const record = signed(payment);
    const database = harness.sys.databases.billing;
    // The cause: the database refuses to record this payment (a maintenance lock left behind).
    await queryDatabase(
      database,
      `CREATE FUNCTION refuse_payment() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION 'payments is locked for maintenance'; END $$`,
    );
    await queryDatabase(
      database,
      `CREATE TRIGGER maintenance_lock BEFORE INSERT ON payments FOR EACH ROW
         WHEN (NEW.payment_id = '${payment.data.paymentId}') EXECUTE FUNCTION refuse_payment()`,
    );
    const [offset] = await send([record]);
    const letter = await deadLetterAt(offset);
    expect(letter.headers[DeadLetterHeaders.Reason]).toContain('locked for maintenance');
    const appendedAt = Date.parse(letter.headers[DeadLetterHeaders.OriginAppendedAt]);

    // The tolerance passes since the original append.
    await eventually(
      () => {
        if (Date.now() <= appendedAt + (TOLERANCE_S + 1) * 1000) throw new Error('still fresh');
        return Promise.resolve();
      },
      (TOLERANCE_S + 5) * 1000,
      100,
    );

    // A copy produced again, byte for byte with its signature, is judged on its own append time.
    const [copyOffset] = await send([record]);
    const copyLetter = await deadLetterAt(copyOffset);
    expect(copyLetter.headers[DeadLetterHeaders.ErrorCode]).toBe('UNAUTHENTICATED');
    expect(copyLetter.headers[DeadLetterHeaders.Reason]).toMatch(/x-signature stale/);
    expect(eventsOf(OrderPaid.type, order.id)).toEqual([]);

    // The cause fixed, ops redrive the genuine one (its code: the database's, P0001).
    await queryDatabase(database, 'DROP TRIGGER maintenance_lock ON payments');
    const redrive = await opsJson<{ redriven: number }>(harness.sys.prefix, [
      'dlq',
      'redrive',
      '--group',
      BILLING,
      '--filter',
      `code=${letter.headers[DeadLetterHeaders.ErrorCode]}`,
    ]);
    expect(redrive.redriven).toBe(1);

    const paid = await harness.recorder.waitForEvent<OrderPaid>(
      OrderPaid.type,
      (d) => d.orderId === order.id,
    );
    expect(paid.data.paymentId).toBe(payment.data.paymentId);
    await harness.sys.quiesce(harness.recorder);
    expect(eventsOf(OrderPaid.type, order.id)).toHaveLength(1);
    expect(eventsOf(PaymentRejected.type, order.id)).toEqual([]);
    // The redriven record was accepted, not dead-lettered again: two letters, the original's and the copy's.
    expect(
      harness.recorder.records.filter(
        (r) => r.topic === DEAD_LETTERS && r.value?.equals(record.value) === true,
      ),
    ).toHaveLength(2);
    expect(await ready()).toBe(200);
  }, 90_000);
});
