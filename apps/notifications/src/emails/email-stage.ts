import { isDuplicatePaymentOnly } from '../timeline/saga-status';
import { EmailStages } from './email.templates';

/** Event types that call for an email to the customer. */
export const STAGE_EMAIL_EVENTS = [
  'OrderPaid',
  'EligibilityReviewRequired',
  'ActivationScheduled',
  'EntitlementsRestored',
  'EligibilityRejected',
  'PaymentRejected',
  'ReactivationFailed',
  'OrderRefunded',
] as const;
export type StageEmailEvent = (typeof STAGE_EMAIL_EVENTS)[number];

/**
 * The email stage an event calls for: its own type, except a second payment of an order already
 * paid, whose rejection and refund are their own stages (the order's own outcome still gets its
 * email).
 */
export function emailStageFor(
  type: StageEmailEvent,
  data: { reasons?: readonly string[] },
): string {
  if (type === 'PaymentRejected' && isDuplicatePaymentOnly(data))
    return EmailStages.DuplicatePaymentRejected;
  if (type === 'OrderRefunded' && isDuplicatePaymentOnly(data))
    return EmailStages.DuplicatePaymentRefunded;
  return type;
}
