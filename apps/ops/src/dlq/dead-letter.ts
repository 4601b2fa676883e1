import { DeadLetterHeaders, SEALED_ORIGIN_HEADERS } from '@app/messaging';
import { IHeaders } from 'kafkajs';
import { ExitCodes, OpsError } from '../cli/ops-error';

/** A record a consumer group could not handle, as found on its dead-letter topic. */
export interface DeadLetter {
  /** `<group>:<partition>:<offset>` of the dead-letter record. */
  id: string;
  group: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Logical topic the record was consumed from, where a redrive sends it back. */
  originTopic: string;
  originPartition?: number;
  originOffset?: string;
  errorCode: string;
  reason: string;
  attempts?: number;
  failedAt?: string;
  /** From the value, when it is a CloudEvent. */
  eventType?: string;
  eventId?: string;
  correlationId?: string;
  /** How many times this record had been redriven before it failed this time. */
  previousRedrives: number;
  /** Set when ops already redrove this dead letter. */
  redrivenAt?: string;
  /** Who redrove it (the marker's actor), when the marker says. */
  redrivenBy?: string;
}

export interface DeadLetterId {
  group: string;
  partition: number;
  offset: string;
}

export function deadLetterIdOf(group: string, partition: number, offset: string): string {
  return `${group}:${partition}:${offset}`;
}

export function parseDeadLetterId(id: string): DeadLetterId {
  const match = /^([A-Za-z0-9._-]+):(\d+):(\d+)$/.exec(id);
  if (!match) {
    throw new OpsError(
      `"${id}" is not a dead-letter id`,
      'ids look like <group>:<partition>:<offset> (see `dlq list`)',
      ExitCodes.Usage,
    );
  }
  return { group: match[1], partition: Number(match[2]), offset: match[3] };
}

export interface DeadLetterFilter {
  /** One dead letter by its id. */
  id?: string;
  code?: string;
  type?: string;
  topic?: string;
}

const FILTER_KEYS = ['id', 'code', 'type', 'topic'] as const;

/** `id=G:P:O`, `code=X`, `type=Y`, `topic=Z` (repeatable; all must match). */
export function parseFilters(values: string[]): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  for (const value of values) {
    const match = /^([a-z]+)=(.+)$/.exec(value);
    const key = match?.[1] as (typeof FILTER_KEYS)[number] | undefined;
    if (!match || !key || !FILTER_KEYS.includes(key)) {
      throw new OpsError(
        `invalid filter "${value}"`,
        'use --filter id=<dead-letter id>, code=<error code>, type=<event type> or topic=<origin topic>',
        ExitCodes.Usage,
      );
    }
    filter[key] = match[2];
  }
  return filter;
}

export function matchesFilter(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  return (
    (filter.id === undefined || letter.id === filter.id) &&
    (filter.code === undefined || letter.errorCode === filter.code) &&
    (filter.type === undefined || letter.eventType === filter.type) &&
    (filter.topic === undefined || letter.originTopic === filter.topic)
  );
}

/**
 * The headers a redriven record carries: the original record's own (the dead-letter bookkeeping
 * removed), the sealed origin (so the consumer judges freshness on the original append time: only
 * the service can make or check that seal), plus when it was redriven and how many times so far
 * (a record failing again and again shows it).
 */
export function redriveHeaders(
  deadLetterHeaders: IHeaders,
  previousRedrives: number,
  now: Date,
): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(deadLetterHeaders)) {
    if ((!name.startsWith('dlq-') || SEALED_ORIGIN_HEADERS.includes(name)) && value !== undefined)
      headers[name] = value;
  }
  headers[DeadLetterHeaders.RedrivenAt] = now.toISOString();
  headers[DeadLetterHeaders.RedriveCount] = String(previousRedrives + 1);
  return headers;
}
