import { BillingError } from '../billing.error';
import { ChangeWindow } from './order';

/** How far ahead a change window may end: beyond it, a saga would wait (and hold a payment) for years. */
export const CHANGE_WINDOW_MAX_AHEAD_DAYS = 90;

/**
 * A change window is bought (the SCHEDULED_ACTIVATION add-on) or absent: it must be given exactly
 * when the quote includes the add-on, start in the future, end after it starts and end at most
 * CHANGE_WINDOW_MAX_AHEAD_DAYS from now.
 */
export function checkChangeWindow(
  boughtScheduledActivation: boolean,
  window: ChangeWindow | undefined,
  now: Date,
): void {
  if (!window) {
    if (boughtScheduledActivation) {
      throw new BillingError(
        'CHANGE_WINDOW_REQUIRED',
        'the quote includes SCHEDULED_ACTIVATION: give a changeWindow',
      );
    }
    return;
  }
  if (!boughtScheduledActivation) {
    throw new BillingError(
      'CHANGE_WINDOW_NOT_ALLOWED',
      'a changeWindow needs the SCHEDULED_ACTIVATION add-on in the quote',
    );
  }
  if (!(window.startsAt.getTime() < window.endsAt.getTime())) {
    throw new BillingError(
      'CHANGE_WINDOW_INVALID',
      'changeWindow.startsAt must be before changeWindow.endsAt',
    );
  }
  if (window.startsAt.getTime() <= now.getTime()) {
    throw new BillingError('CHANGE_WINDOW_INVALID', 'changeWindow.startsAt must be in the future');
  }
  if (window.endsAt.getTime() > now.getTime() + CHANGE_WINDOW_MAX_AHEAD_DAYS * 86_400_000) {
    throw new BillingError(
      'CHANGE_WINDOW_INVALID',
      `changeWindow.endsAt must be at most ${CHANGE_WINDOW_MAX_AHEAD_DAYS} days from now`,
    );
  }
}
