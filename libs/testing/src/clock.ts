const DAY_MS = 86_400_000;

/**
 * Midnight UTC `days` from today, as ISO 8601. Fixtures take their dates from here, relative to
 * the services' real clock, so they never expire (a fixed `2028-01-01` fails from 2028 on) and
 * stay equal within a run (contract-terms fingerprints compare them).
 */
export function daysFromNow(days: number): string {
  return new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + days * DAY_MS).toISOString();
}
