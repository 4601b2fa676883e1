import { InvalidArgumentError } from 'commander';

/** Commander parser for whole numbers ≥ 0. */
export function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError('expected a whole number ≥ 0');
  }
  return parsed;
}

/** Commander collector for repeatable options (`--filter a=1 --filter b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
