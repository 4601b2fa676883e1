import { SagaStatus } from '../timeline/saga-status';

/** An order's timeline as the API and the status page show it. */
export interface ReactivationView {
  orderId: string;
  accountId: string;
  status: SagaStatus;
  supportContact: { contactId: string; name: string; email: string } | null;
  stages: { stage: string; at: string; details: Record<string, unknown> }[];
  /** The emails of the order and where each stands (FAILED ones need ops' attention). */
  emails: {
    stage: string;
    subject: string | null;
    status: string;
    dueAt: string;
    sentAt: string | null;
  }[];
}

const STATUS_LABELS: Record<SagaStatus, string> = {
  PAID: 'Payment received, checking eligibility',
  IN_REVIEW: 'Documents under review',
  VERIFIED: 'Eligible, reactivating',
  SCHEDULED: 'Reactivation scheduled in your change window',
  RESTORED: 'Services restored',
  REFUND_PENDING: 'Cannot be reactivated, refund on its way',
  FULFILLED: 'Completed: services restored',
  REFUNDED: 'Refunded in full',
  STALLED: 'Delayed: our support team is on it',
  MANUAL_HANDLING: 'Your refund is being checked by our team',
};

const STAGE_LABELS: Record<string, string> = {
  OrderPaid: 'Payment received',
  PaymentRejected: 'Payment rejected',
  OrderFulfilled: 'Order completed',
  OrderRefunded: 'Refund completed',
  EligibilityVerified: 'Eligibility confirmed',
  EligibilityRejected: 'Eligibility rejected',
  EligibilityReviewRequired: 'Documents review needed',
  ActivationScheduled: 'Reactivation scheduled',
  EntitlementsRestored: 'Licenses and entitlements restored',
  ReactivationFailed: 'Reactivation failed, changes rolled back',
  SupportContactAssigned: 'Support contact assigned',
  CustomerNotified: 'Email sent',
  ReactivationStalled: 'Delay escalated to support',
  ManualHandlingRequired: 'Handed to our team to check the refund',
};

export function statusLabel(status: SagaStatus): string {
  return STATUS_LABELS[status];
}

export function stageLabel(stage: string): string {
  return STAGE_LABELS[stage] ?? stage;
}
