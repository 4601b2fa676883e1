import { BillingError } from '../billing.error';
import { ChangeWindow } from './order';

/**
 * A change window is bought (the SCHEDULED_ACTIVATION add-on) or absent: it must be given exactly
 * when the quote includes the add-on, start in the future and end after it starts.
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
}
