/** A change window the order asked the activation to happen in. */
export interface ChangeWindow {
  startsAt: Date;
  endsAt: Date;
}

export type ActivationTiming =
  | { mode: 'SCHEDULE'; at: Date }
  /** Activate now; `windowMissed` when the window has already ended (it still runs: the customer paid). */
  | { mode: 'NOW'; windowMissed: boolean };

/** When to activate a verified case: at the window's start if it lies ahead, otherwise at once. */
export function activationTiming(window: ChangeWindow | null, now: Date): ActivationTiming {
  if (!window) return { mode: 'NOW', windowMissed: false };
  if (window.startsAt.getTime() > now.getTime()) return { mode: 'SCHEDULE', at: window.startsAt };
  return { mode: 'NOW', windowMissed: windowHasEnded(window, now) };
}

export function windowHasEnded(window: ChangeWindow | null, now: Date): boolean {
  return window !== null && window.endsAt.getTime() <= now.getTime();
}
