import { CloudEvent } from '@app/contracts';

/** The CloudEvent in a record's value, or undefined when the value is not one (a poison record). */
export function parseCloudEvent(
  value: Buffer | null,
): CloudEvent<Record<string, unknown>> | undefined {
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const event = parsed as Partial<CloudEvent<unknown>>;
  const looksLikeEvent =
    typeof event.id === 'string' &&
    typeof event.type === 'string' &&
    typeof event.source === 'string' &&
    typeof event.time === 'string' &&
    !!event.data &&
    typeof event.data === 'object';
  return looksLikeEvent ? (event as CloudEvent<Record<string, unknown>>) : undefined;
}
