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
      oneLine(l.reason, 100),
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
    `  error         ${l.errorCode}: ${l.reason}`,
    `  origin        ${l.originTopic} partition ${l.originPartition ?? '?'} offset ${l.originOffset ?? '?'}`,
    `  key           ${l.key ?? '(none)'}`,
    `  event         ${l.eventType ? `${l.eventType} ${l.eventId} (correlation ${l.correlationId})` : '(not a CloudEvent)'}`,
    `  redriven      ${l.redrivenAt ?? 'no'}${l.previousRedrives ? ` (had been redriven ${l.previousRedrives} time(s) before failing)` : ''}`,
    '  headers',
    ...Object.entries(detail.headers).map(([name, value]) => `    ${name}: ${value}`),
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

/** The value as JSON when it is, as text when printable, else as base64. */
export function displayValue(value: Buffer | null): unknown {
  if (!value) return '(null)';
  const text = value.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    // Printable text (tab, newlines, printable ASCII and beyond) is shown as it is.
    // eslint-disable-next-line no-control-regex
    return /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(text)
      ? text
      : `base64:${value.toString('base64')}`;
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
