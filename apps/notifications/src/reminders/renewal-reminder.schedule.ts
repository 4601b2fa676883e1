const DAY_MS = 24 * 3600 * 1000;

/**
 * When to remind the customer to renew a license: `daysBefore` days before it expires, or at
 * once when that moment has already passed; never for a license that has expired already.
 */
export function renewalReminderDueAt(expiresAt: Date, daysBefore: number, now: Date): Date | null {
  if (expiresAt.getTime() <= now.getTime()) return null;
  const due = new Date(expiresAt.getTime() - daysBefore * DAY_MS);
  return due.getTime() > now.getTime() ? due : now;
}
