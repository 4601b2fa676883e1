import { maskEmail, maskEmailsIn } from '@app/platform';
import { IHeaders } from 'kafkajs';
import { renderTable } from '../cli/table';
import { DeadLetter } from './dead-letter';
import { RedriveResult } from './redrive-dead-letters';

export function renderDeadLetterList(letters: DeadLetter[]): string {
  if (letters.length === 0) return 'no dead letters';
  const table = renderTable(
    ['id', 'failed at', 'origin', 'type', 'code', 'redriven', 'reason'],
    letters.map((l) => [
      l.id,
      l.failedAt ?? '',
      `${l.originTopic}[${l.originPartition ?? '?'}]@${l.originOffset ?? '?'}`,
      l.eventType ?? '(not an event)',
      l.errorCode,
      l.redrivenAt ?? '-',
      oneLine(maskEmailsIn(l.reason), 100),
    ]),
  );
  const waiting = letters.filter((l) => !l.redrivenAt).length;
  return `${table}\n\n${letters.length} dead letter(s), ${waiting} not redriven`;
}

export interface DeadLetterDetail {
  letter: DeadLetter;
  headers: Record<string, string>;
  value: unknown;
}

export function renderDeadLetter(detail: DeadLetterDetail): string {
  const l = detail.letter;
  const lines = [
    `dead letter ${l.id}`,
    `  failed at     ${l.failedAt ?? '?'} after ${l.attempts ?? '?'} attempt(s)`,
    `  error         ${l.errorCode}: ${maskEmailsIn(l.reason)}`,
    `  origin        ${l.originTopic} partition ${l.originPartition ?? '?'} offset ${l.originOffset ?? '?'}`,
    `  key           ${l.key ?? '(none)'}`,
    `  event         ${l.eventType ? `${l.eventType} ${l.eventId} (correlation ${l.correlationId})` : '(not a CloudEvent)'}`,
    `  redriven      ${l.redrivenAt ? `${l.redrivenAt}${l.redrivenBy ? ` by ${l.redrivenBy}` : ''}` : 'no'}${l.previousRedrives ? ` (had been redriven ${l.previousRedrives} time(s) before failing)` : ''}`,
    '  headers',
    ...Object.entries(detail.headers).map(([name, value]) => `    ${name}: ${maskEmailsIn(value)}`),
    '  value',
    ...(typeof detail.value === 'string' ? detail.value : JSON.stringify(detail.value, null, 2))
      .split('\n')
      .map((line) => `    ${line}`),
  ];
  return lines.join('\n');
}

export function renderRedrive(result: RedriveResult): string {
  if (result.matched === 0) return 'no dead letter matches';
  const table = renderTable(
    ['id', 'action', 'to', 'type', 'code'],
    result.outcomes.map((o) => [
      o.id,
      o.action === 'SKIPPED'
        ? `skipped (redriven ${o.redrivenAt})`
        : o.action.toLowerCase().replace('_', ' '),
      o.action === 'REDRIVEN' ? `${o.originTopic}[${o.partition}]@${o.offset}` : o.originTopic,
      o.eventType ?? '(not an event)',
      o.errorCode,
    ]),
  );
  const verb = result.dryRun ? 'would redrive' : 'redriven';
  const count = result.dryRun
    ? result.outcomes.filter((o) => o.action === 'WOULD_REDRIVE').length
    : result.redriven;
  return `${table}\n\n${result.matched} matched, ${count} ${verb}, ${result.skipped} already redriven before`;
}

export function textHeaders(headers: IHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      result[name] = Array.isArray(value) ? value.map(String).join(', ') : value.toString();
  }
  return result;
}

/**
 * The value as JSON when it is, as text when printable, else as base64; personal data masked
 * (see maskPersonalData): dead letters are kept 30 days and ops output lands in terminals,
 * tickets and chat.
 */
export function displayValue(value: Buffer | null): unknown {
  if (!value) return '(null)';
  const text = value.toString('utf8');
  try {
    return maskPersonalData(JSON.parse(text));
  } catch {
    // Printable text (tab, newlines, printable ASCII and beyond) is shown as it is, emails masked.
    // eslint-disable-next-line no-control-regex
    return /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(text)
      ? maskEmailsIn(text)
      : `base64:${value.toString('base64')}`;
  }
}

/**
 * A copy of a JSON value with personal data masked: a person's `email` as `j***@example.com`,
 * the `name` beside it as `J***`, a sealed person (`{"sealed": ...}`, only notifications can
 * open it) as the id of its key, and any other email address in a string.
 */
export function maskPersonalData(value: unknown): unknown {
  if (typeof value === 'string') return maskEmailsIn(value);
  if (Array.isArray(value)) return value.map(maskPersonalData);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  const isPerson = typeof object.email === 'string';
  return Object.fromEntries(
    Object.entries(object).map(([name, field]) => {
      if (isPerson && name === 'email') return [name, maskEmail(field as string)];
      if (isPerson && name === 'name' && typeof field === 'string') return [name, maskName(field)];
      if (name === 'sealed' && typeof field === 'string') return [name, sealedSummary(field)];
      return [name, maskPersonalData(field)];
    }),
  );
}

function maskName(name: string): string {
  return name.length === 0 ? name : `${[...name][0]}***`;
}

/** `(sealed, key <id>)`: what ops may need of a sealed value (which key it needs). */
function sealedSummary(sealed: string): string {
  const [version, keyId] = sealed.split('.');
  return version === 'v2' && keyId ? `(sealed, key ${keyId})` : '(sealed)';
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
