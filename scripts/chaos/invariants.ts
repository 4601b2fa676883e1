/**
 * The invariants of a fault run, judged over the whole history read back afterwards: every record
 * of every topic, the services' databases, every email the SMTP server accepted. Pure: a unit test
 * feeds it histories that break each invariant.
 */
import { EmailStage, OUTCOMES, SagaKind, SagaPlan, stageOfSubject } from './saga-kinds';

export interface Money {
  amountMinor: number;
  currency: string;
}

/** A saga as the driver placed and paid it. */
export interface DrivenSaga {
  plan: SagaPlan;
  orderId: string;
  customerEmail: string;
  amount: Money;
  /** Every distinct payment captured for the order (paymentId → amount). */
  payments: { paymentId: string; amount: Money }[];
}

export interface HistoryEvent {
  topic: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface AcceptedEmail {
  to: string[];
  subject: string;
  messageId: string;
  /** When SMTP accepted it (ms since the epoch). */
  acceptedAt: number;
}

export interface History {
  sagas: DrivenSaga[];
  events: HistoryEvent[];
  /** billing `orders.status` by order id. */
  orderStatus: Map<string, string>;
  /** licensing `licenses.status` by license id. */
  licenseStatus: Map<string, string>;
  emails: AcceptedEmail[];
  /** Records on every dead-letter topic: `topic: reason`. */
  deadLetters: string[];
  /** Total lag per consumer group. */
  lag: Record<string, number>;
  /** Rows left in each service's outbox. */
  outbox: Record<string, number>;
  /** Readiness answer of each instance (`billing#1` → HTTP status or error). */
  readiness: Record<string, number | string>;
  /** When an instance of notifications was killed with -9 (ms since the epoch). */
  notificationsKilledAt: number[];
}

/**
 * The one way an email may be accepted twice (notifications README, "What can still send twice"):
 * its instance killed between the SMTP server's answer and the record of it. Then the copy is
 * sent again with the same Message-ID, and at most notifications' EMAIL_WAVE_SIZE emails (which
 * the chaos run sets to this) are in that window per kill.
 */
const KILL_WINDOW_MS = { before: 5000, after: 1000 };
export const IN_FLIGHT_PER_KILL = 3;

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** What was counted, e.g. "312 orders: 312 as expected". */
  counts: string;
  /** A few ids that break it. */
  examples: string[];
}

const EXAMPLES = 5;

export function checkInvariants(history: History): InvariantResult[] {
  const byOrder = indexByOrder(history.events);
  return [
    terminalStates(history),
    oneDistinctEventPerOrder(history, byOrder, 'OrderPaid', (s) =>
      OUTCOMES[s.plan.kind].paid ? 1 : 0,
    ),
    oneDistinctEventPerOrder(history, byOrder, 'OrderFulfilled', (s) =>
      OUTCOMES[s.plan.kind].status === 'FULFILLED' ? 1 : 0,
    ),
    refundsRequested(history, byOrder),
    oneDistinctEventPerOrder(history, byOrder, 'OrderRefunded', (s) =>
      OUTCOMES[s.plan.kind].status === 'REFUNDED' ? 1 : 0,
    ),
    licensesReactivated(history),
    registryAgrees(history),
    emailsOncePerStage(history, byOrder),
    noDeadLetters(history),
    nothingLeft(history),
  ];
}

function result(name: string, total: number, what: string, bad: string[]): InvariantResult {
  return {
    name,
    ok: bad.length === 0,
    counts: `${total} ${what}: ${total - bad.length} as expected, ${bad.length} not`,
    examples: bad.slice(0, EXAMPLES),
  };
}

function indexByOrder(events: HistoryEvent[]): Map<string, HistoryEvent[]> {
  const index = new Map<string, HistoryEvent[]>();
  for (const event of events) {
    const orderId = event.data.orderId;
    if (typeof orderId !== 'string') continue;
    const list = index.get(orderId) ?? [];
    list.push(event);
    index.set(orderId, list);
  }
  return index;
}

/** Distinct events (by event id) of a type about an order; a relay re-send keeps its id. */
function distinct(events: HistoryEvent[] | undefined, type: string): HistoryEvent[] {
  const seen = new Map<string, HistoryEvent>();
  for (const event of events ?? []) if (event.type === type) seen.set(event.id, event);
  return [...seen.values()];
}

function terminalStates(history: History): InvariantResult {
  const bad = history.sagas
    .filter((s) => history.orderStatus.get(s.orderId) !== OUTCOMES[s.plan.kind].status)
    .map(
      (s) =>
        `${s.orderId} (${s.plan.kind}) is ${history.orderStatus.get(s.orderId) ?? 'missing'}, must be ${OUTCOMES[s.plan.kind].status}`,
    );
  return result(
    'every saga ends in the state its kind must reach',
    history.sagas.length,
    'sagas',
    bad,
  );
}

function oneDistinctEventPerOrder(
  history: History,
  byOrder: Map<string, HistoryEvent[]>,
  type: string,
  expected: (saga: DrivenSaga) => number,
): InvariantResult {
  const bad: string[] = [];
  let events = 0;
  for (const saga of history.sagas) {
    const found = distinct(byOrder.get(saga.orderId), type);
    events += found.length;
    if (found.length !== expected(saga)) {
      bad.push(
        `${saga.orderId} (${saga.plan.kind}): ${found.length} ${type}, expected ${expected(saga)}`,
      );
    }
  }
  const r = result(`exactly the ${type} each order must have`, history.sagas.length, 'orders', bad);
  r.counts += ` (${events} distinct ${type} events)`;
  return r;
}

function refundsRequested(history: History, byOrder: Map<string, HistoryEvent[]>): InvariantResult {
  const bad: string[] = [];
  let refunds = 0;
  for (const saga of history.sagas) {
    const outcome = OUTCOMES[saga.plan.kind];
    const requests = distinct(byOrder.get(saga.orderId), 'RefundRequested');
    const keys = new Set(requests.map((e) => String(e.data.refundId)));
    refunds += keys.size;
    if (keys.size !== outcome.refunds || requests.length !== outcome.refunds) {
      bad.push(
        `${saga.orderId} (${saga.plan.kind}): ${requests.length} RefundRequested under ${keys.size} refund id(s), expected ${outcome.refunds}`,
      );
      continue;
    }
    for (const request of requests) {
      const paymentId = String(request.data.paymentId);
      const captured = saga.payments.find((p) => p.paymentId === paymentId)?.amount;
      const amount = request.data.amount as Money | undefined;
      if (
        !captured ||
        !amount ||
        Number(amount.amountMinor) !== captured.amountMinor ||
        amount.currency !== captured.currency
      ) {
        bad.push(
          `${saga.orderId} (${saga.plan.kind}): refund ${String(request.data.refundId)} of ${JSON.stringify(amount)} for payment ${paymentId}, captured ${JSON.stringify(captured)}`,
        );
      } else if (
        outcome.reasons &&
        JSON.stringify(request.data.reasons) !== JSON.stringify(outcome.reasons)
      ) {
        bad.push(
          `${saga.orderId} (${saga.plan.kind}): refund reasons ${JSON.stringify(request.data.reasons)}, expected ${JSON.stringify(outcome.reasons)}`,
        );
      }
    }
  }
  const r = result(
    'per refunded order exactly one RefundRequested (one key) of the amount captured',
    history.sagas.length,
    'orders',
    bad,
  );
  r.counts += ` (${refunds} refunds requested)`;
  return r;
}

function licensesReactivated(history: History): InvariantResult {
  const reactivations = new Map<string, Set<string>>();
  for (const event of history.events) {
    if (event.type !== 'LicenseReactivated') continue;
    const licenseId = String(event.data.licenseId);
    const ids = reactivations.get(licenseId) ?? new Set<string>();
    ids.add(event.id);
    reactivations.set(licenseId, ids);
  }
  const bad: string[] = [];
  let licenses = 0;
  for (const saga of history.sagas) {
    const expected = OUTCOMES[saga.plan.kind].status === 'FULFILLED' ? 1 : 0;
    for (const licenseId of saga.plan.licenseIds) {
      licenses++;
      const count = reactivations.get(licenseId)?.size ?? 0;
      if (count !== expected) {
        bad.push(
          `${licenseId} of ${saga.orderId} (${saga.plan.kind}): ${count} LicenseReactivated, expected ${expected}`,
        );
      }
    }
  }
  return result(
    'exactly one LicenseReactivated per license of a fulfilled order, none for a refunded one',
    licenses,
    'licenses',
    bad,
  );
}

function registryAgrees(history: History): InvariantResult {
  const bad: string[] = [];
  let licenses = 0;
  for (const saga of history.sagas) {
    const fulfilled = OUTCOMES[saga.plan.kind].status === 'FULFILLED';
    for (const license of saga.plan.account.licenses) {
      licenses++;
      const expected = fulfilled ? 'ACTIVE' : license.status;
      const actual = history.licenseStatus.get(license.licenseId);
      if (actual !== expected) {
        bad.push(
          `${license.licenseId} of ${saga.orderId} (${saga.plan.kind}) is ${actual ?? 'missing'}, expected ${expected}`,
        );
      }
    }
  }
  return result('the licensing registry agrees', licenses, 'licenses', bad);
}

function emailsOncePerStage(
  history: History,
  byOrder: Map<string, HistoryEvent[]>,
): InvariantResult {
  const byCustomer = new Map<string, DrivenSaga>(history.sagas.map((s) => [s.customerEmail, s]));
  const counts = new Map<string, Map<EmailStage | string, number>>();
  const copies = new Map<string, AcceptedEmail[]>();
  let accepted = 0;
  for (const email of history.emails) {
    for (const to of email.to) {
      const saga = byCustomer.get(to);
      if (!saga) continue;
      accepted++;
      const stage = stageOfSubject(email.subject) ?? `?${email.subject}`;
      const stages = counts.get(saga.orderId) ?? new Map<string, number>();
      stages.set(stage, (stages.get(stage) ?? 0) + 1);
      counts.set(saga.orderId, stages);
      const key = `${saga.orderId}/${stage}`;
      copies.set(key, [...(copies.get(key) ?? []), email]);
    }
  }
  const explainedPerKill = new Map<number, number>();
  /** A stage sent exactly twice, same Message-ID, first copy just before a kill of its sender. */
  const killedMidSend = (emails: AcceptedEmail[] | undefined): boolean => {
    if (!emails || emails.length !== 2 || emails[0].messageId !== emails[1].messageId) return false;
    const first = Math.min(...emails.map((e) => e.acceptedAt));
    const kill = history.notificationsKilledAt.find(
      (at) =>
        first >= at - KILL_WINDOW_MS.before &&
        first <= at + KILL_WINDOW_MS.after &&
        (explainedPerKill.get(at) ?? 0) < IN_FLIGHT_PER_KILL,
    );
    if (kill === undefined) return false;
    explainedPerKill.set(kill, (explainedPerKill.get(kill) ?? 0) + 1);
    return true;
  };
  const explained: string[] = [];
  const bad: string[] = [];
  for (const saga of history.sagas) {
    const stages = counts.get(saga.orderId) ?? new Map<string, number>();
    const outcome = OUTCOMES[saga.plan.kind];
    const conditional = outcome.emailIfEvent;
    const expected =
      conditional && distinct(byOrder.get(saga.orderId), conditional.type).length > 0
        ? [...outcome.emails, conditional.stage]
        : outcome.emails;
    const problems: string[] = [];
    for (const stage of expected) {
      const n = stages.get(stage) ?? 0;
      const sent = copies.get(`${saga.orderId}/${stage}`);
      if (n === 2 && killedMidSend(sent)) {
        explained.push(`${saga.orderId} ${stage}${twice(sent)}`);
      } else if (n !== 1) {
        problems.push(`${stage}×${n}${twice(sent)}`);
      }
    }
    for (const [stage, n] of stages) {
      if (!expected.includes(stage as EmailStage)) problems.push(`unexpected ${stage}×${n}`);
    }
    if (problems.length > 0) {
      bad.push(
        `${saga.orderId} (${saga.plan.kind}) to ${saga.customerEmail}: ${problems.join(', ')}`,
      );
    }
  }
  const r = result(
    'exactly one email per order and stage accepted by SMTP',
    history.sagas.length,
    'orders',
    bad,
  );
  r.counts +=
    ` (${accepted} customer emails accepted; ${explained.length} sent twice with the same ` +
    `Message-ID by a notifications instance killed between SMTP's answer and its record, the case ` +
    `the notifications README states${explained.length > 0 ? `, e.g. ${explained.slice(0, 3).join('; ')}` : ''})`;
  return r;
}

/** For an email accepted more than once: same Message-ID or not, and how far apart. */
function twice(emails: AcceptedEmail[] | undefined): string {
  if (!emails || emails.length < 2) return '';
  const ids = new Set(emails.map((e) => e.messageId));
  const times = emails.map((e) => e.acceptedAt);
  const first = Math.min(...times);
  const apart = Math.round((Math.max(...times) - first) / 1000);
  const at = new Date(first).toISOString().slice(11, 19);
  return ` (${ids.size === 1 ? 'same Message-ID' : `${ids.size} Message-IDs`}, first at ${at}, ${apart} s apart)`;
}

function noDeadLetters(history: History): InvariantResult {
  return {
    name: 'no dead letter from valid traffic',
    ok: history.deadLetters.length === 0,
    counts: `${history.deadLetters.length} dead letters`,
    examples: history.deadLetters.slice(0, EXAMPLES),
  };
}

function nothingLeft(history: History): InvariantResult {
  const bad = [
    ...Object.entries(history.lag)
      .filter(([, lag]) => lag !== 0)
      .map(([group, lag]) => `group ${group}: lag ${lag}`),
    ...Object.entries(history.outbox)
      .filter(([, rows]) => rows !== 0)
      .map(([service, rows]) => `${service}: ${rows} outbox rows`),
    ...Object.entries(history.readiness)
      .filter(([, status]) => status !== 200)
      .map(([instance, status]) => `${instance}: /health/ready ${status}`),
  ];
  return {
    name: 'afterwards: lag 0, outbox empty, every instance ready',
    ok: bad.length === 0,
    counts:
      `lag ${JSON.stringify(history.lag)}; outbox ${JSON.stringify(history.outbox)}; ` +
      `${Object.values(history.readiness).filter((s) => s === 200).length}/${Object.keys(history.readiness).length} instances ready`,
    examples: bad.slice(0, EXAMPLES * 2),
  };
}

/** The kinds driven and how many of each (for the report). */
export function kindsDriven(sagas: DrivenSaga[]): Record<SagaKind, number> {
  const counts = {} as Record<SagaKind, number>;
  for (const saga of sagas) counts[saga.plan.kind] = (counts[saga.plan.kind] ?? 0) + 1;
  return counts;
}
