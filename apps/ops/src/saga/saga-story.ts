import { ConsumerGroups, EventSources, ManualHandlingRequired, sagaStage } from '@app/contracts';
import { formatDuration } from '../cli/table';

/** An event of one saga, as read from its topic. */
export interface SagaEvent {
  id: string;
  type: string;
  /** CloudEvents source: the producing service (`poly.reactivation.billing`) or upstream. */
  source: string;
  time: string;
  correlationId: string;
  causationId?: string;
  /** Logical topic. */
  topic: string;
  partition: number;
  offset: string;
  data: Record<string, unknown>;
}

/** A record of this saga that a service could not handle (on its dead-letter topic). */
export interface SagaDeadLetter {
  id: string;
  group: string;
  type?: string;
  /** The CloudEvent id of the dead-lettered record. */
  eventId?: string;
  errorCode?: string;
  reason?: string;
  failedAt?: string;
}

export interface StoryLine {
  time: string;
  type: string;
  source: string;
  id: string;
  topic: string;
  causationId?: string;
  /** The type of the event that caused this one, when it is part of the story. */
  causedBy?: string;
}

/** MANUAL_HANDLING: the saga waits on ops (ManualHandlingRequired) before its deadline. */
export type VerdictState =
  'FINISHED' | 'IN_PROGRESS' | 'WAITING' | 'MANUAL_HANDLING' | 'STUCK' | 'NOT_FOUND';

export interface Verdict {
  state: VerdictState;
  /** FINISHED: OrderFulfilled or OrderRefunded. */
  outcome?: string;
  /** The last stage reached (an event type). */
  stage?: string;
  since?: string;
  waitingMs?: number;
  /** Who is expected to act next, and what they should do. */
  nextActor?: string;
  expected?: string;
  /** A legitimate wait ends here (a scheduled activation, a review deadline). */
  until?: string;
  summary: string;
}

/** The service (CloudEvents source) whose consumer group each dead-letter group is. */
const SOURCE_OF_GROUP: Record<string, string> = Object.fromEntries(
  (Object.keys(ConsumerGroups) as (keyof typeof ConsumerGroups)[]).map((service) => [
    ConsumerGroups[service],
    EventSources[service],
  ]),
);

/**
 * The dead letters still holding the saga: one whose event the same service has handled since
 * (it was redriven: that service published an event caused by it) no longer does. Another
 * service's reaction to the same event (notifications follows every step) says nothing of it.
 */
export function stillDead(deadLetters: SagaDeadLetter[], events: SagaEvent[]): SagaDeadLetter[] {
  return deadLetters.filter(
    (d) =>
      !d.eventId ||
      !events.some((e) => e.causationId === d.eventId && e.source === SOURCE_OF_GROUP[d.group]),
  );
}

/** Whether an event belongs to the saga of this order. */
export function belongsToSaga(
  event: Pick<SagaEvent, 'correlationId' | 'data'>,
  orderId: string,
): boolean {
  return event.correlationId === orderId || event.data.orderId === orderId;
}

/** The events in time order (ties: topic position), each with what caused it. */
export function storyOf(events: SagaEvent[]): StoryLine[] {
  const typeById = new Map(events.map((e) => [e.id, e.type]));
  return [...events]
    .sort(
      (a, b) =>
        Date.parse(a.time) - Date.parse(b.time) ||
        a.topic.localeCompare(b.topic) ||
        a.partition - b.partition ||
        Number(BigInt(a.offset) - BigInt(b.offset)),
    )
    .map((e) => ({
      time: e.time,
      type: e.type,
      source: e.source,
      id: e.id,
      topic: e.topic,
      ...(e.causationId ? { causationId: e.causationId } : {}),
      ...(e.causationId && typeById.has(e.causationId)
        ? { causedBy: typeById.get(e.causationId) }
        : {}),
    }));
}

/**
 * Finished, on its way, legitimately waiting (a scheduled activation, a review before its
 * deadline) or stuck: at which stage, for how long, and who should act.
 */
export function verdictOf(
  events: SagaEvent[],
  deadLetters: SagaDeadLetter[],
  now: Date,
  stuckAfterMs: number,
): Verdict {
  if (events.length === 0 && deadLetters.length === 0) {
    return { state: 'NOT_FOUND', summary: 'no event of this order on any topic' };
  }
  const ordered = [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const final = ordered.find((e) => sagaStage(e.type)?.final);
  if (final) {
    return {
      state: 'FINISHED',
      outcome: final.type,
      stage: final.type,
      since: final.time,
      summary: `finished: ${final.type} at ${final.time}`,
    };
  }
  const stageEvent = [...ordered].reverse().find((e) => sagaStage(e.type)?.next);
  if (!stageEvent) {
    const dead = deadLetters[0];
    return {
      state: 'STUCK',
      nextActor: dead ? dead.group : 'billing',
      summary: dead
        ? `STUCK: ${dead.type ?? 'a record'} was dead-lettered by ${dead.group} (${dead.errorCode}); fix the cause, then \`dlq redrive\``
        : 'STUCK: no saga stage reached',
    };
  }
  const step = sagaStage(stageEvent.type)!.next!;
  const waitingMs = Math.max(0, now.getTime() - Date.parse(stageEvent.time));
  const until = step.until && stringField(stageEvent.data, step.until);
  const base = {
    stage: stageEvent.type,
    since: stageEvent.time,
    waitingMs,
    nextActor: step.actor,
    expected: step.expected,
    ...(until ? { until } : {}),
  };
  const waited = formatDuration(waitingMs);
  // Only a dead letter of the service expected to act holds the saga up.
  const deadLetter = [...deadLetters].reverse().find((d) => d.group.endsWith(step.actor));
  if (deadLetter) {
    return {
      ...base,
      state: 'STUCK',
      summary:
        `STUCK at ${stageEvent.type} for ${waited}: ${deadLetter.type ?? 'a record'} was dead-lettered by ` +
        `${deadLetter.group} (${deadLetter.errorCode}: ${deadLetter.reason}); fix the cause, then \`dlq redrive\``,
    };
  }
  if (
    stageEvent.type === ManualHandlingRequired.type &&
    until &&
    Date.parse(until) > now.getTime()
  ) {
    return {
      ...base,
      state: 'MANUAL_HANDLING',
      summary:
        `MANUAL HANDLING since ${stageEvent.time} (${stringField(stageEvent.data, 'reason')}): ` +
        `ops must act before ${until}: ${stringField(stageEvent.data, 'detail')}`,
    };
  }
  if (until && Date.parse(until) > now.getTime()) {
    return {
      ...base,
      state: 'WAITING',
      summary: `waiting at ${stageEvent.type} for ${step.actor} until ${until}: ${step.expected}`,
    };
  }
  if (waitingMs < stuckAfterMs && !until) {
    return {
      ...base,
      state: 'IN_PROGRESS',
      summary: `in progress: at ${stageEvent.type} for ${waited}, next ${step.actor}: ${step.expected}`,
    };
  }
  return {
    ...base,
    state: 'STUCK',
    summary:
      `STUCK at ${stageEvent.type} for ${waited}` +
      (until ? ` (due ${until})` : '') +
      `: next is ${step.actor}: ${step.expected}`,
  };
}

function stringField(data: Record<string, unknown>, name: string): string | undefined {
  const value = data[name];
  return typeof value === 'string' ? value : undefined;
}
