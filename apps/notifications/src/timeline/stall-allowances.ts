import { NotificationsEnvironment } from '../notifications.config';
import { StallAllowances } from './stall-rules';

export function stallAllowancesFrom(env: NotificationsEnvironment): StallAllowances {
  return {
    afterPaid: env.STALL_AFTER_PAID,
    afterVerified: env.STALL_AFTER_VERIFIED,
    afterScheduled: env.STALL_AFTER_SCHEDULED,
    afterReviewDeadline: env.STALL_AFTER_REVIEW_DEADLINE,
    afterRestored: env.STALL_AFTER_RESTORED,
    afterRefundRequested: env.STALL_AFTER_REFUND_REQUESTED,
  };
}
