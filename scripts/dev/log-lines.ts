/**
 * Makes the services' JSON logs readable in a terminal: reads `tail -F` of several files on stdin
 * and prints `time service LEVEL message key=value...` (non-JSON lines are printed as they are).
 * The files under .cache/run/ keep every line.
 */
import { basename } from 'node:path';
import { createInterface } from 'node:readline';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
// Fields every line has, or that are shown in their own column.
const HIDDEN = new Set([
  'level',
  'time',
  'timestamp',
  'pid',
  'hostname',
  'service',
  'msg',
  'message',
]);

let source = '';
// Successful GETs are mostly pollers (the drive script, dashboards): shown only with LOG_ALL=1.
const showReads = process.env.LOG_ALL === '1';

function scalar(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function format(line: string): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${source.padEnd(13)} ${line}`;
  }
  const time = new Date((entry.time ?? entry.timestamp ?? Date.now()) as string | number);
  const level =
    typeof entry.level === 'number'
      ? (LEVELS[entry.level] ?? String(entry.level))
      : scalar(entry.level ?? '');
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key) && key !== 'req' && key !== 'res')
    .map(([key, value]) => `${key}=${scalar(value)}`);
  if (req && req.method === 'GET' && (res?.statusCode ?? 500) < 400 && !showReads) return undefined;
  if (req) fields.unshift(`${req.method} ${req.url} → ${res?.statusCode ?? '?'}`);
  const message = scalar(entry.msg ?? entry.message ?? '');
  return `${time.toISOString().slice(11, 23)} ${source.padEnd(13)} ${level.padEnd(5)} ${message} ${fields.join(' ')}`.trimEnd();
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const header = /^==> (.+) <==$/.exec(line);
  if (header) {
    source = basename(header[1], '.log');
    return;
  }
  const formatted = line.trim() ? format(line) : undefined;
  if (formatted !== undefined) console.log(formatted);
});
