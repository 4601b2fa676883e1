const MAX_DELAY_MS = 15 * 60 * 1000;

/** Delay before the next attempt after `attempts` failed ones: exponential, capped at 15 minutes. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
}
