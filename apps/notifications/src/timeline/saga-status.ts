import {
  ActivationScheduled,
  CustomerNotified,
  EligibilityRejected,
  EligibilityReviewRequired,
  EligibilityVerified,
  EntitlementsRestored,
  ManualHandlingRequired,
  OrderFulfilled,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
  ReactivationFailed,
  ReactivationStalled,
  SagaStatus,
  sagaStage,
  SupportContactAssigned,
  TERMINAL_STATUSES,
} from '@app/contracts';

/** The other services' saga events this service follows (consumed: SagaEventsHandler). */
export const FOLLOWED_SAGA_EVENTS = [
  OrderPaid,
  PaymentRejected,
  OrderFulfilled,
  OrderRefunded,
  ManualHandlingRequired,
  EligibilityVerified,
  EligibilityRejected,
  EligibilityReviewRequired,
  ActivationScheduled,
  EntitlementsRestored,
  ReactivationFailed,
] as const;

/** Every event type that is a stage of an order's timeline: those followed, and our own. */
export const TIMELINE_EVENTS = [
  ...FOLLOWED_SAGA_EVENTS,
  SupportContactAssigned,
  CustomerNotified,
  ReactivationStalled,
] as const;

export type TimelineEventType = (typeof TIMELINE_EVENTS)[number]['type'];

export { TERMINAL_STATUSES };
export type { SagaStatus };

/**
 * Where one event puts the saga. Progress only moves forward: the status is that of the highest
 * ranked stage seen, whatever order the events of different topics arrive in. Rank 0: the event
 * is recorded but does not move the saga (our own notifications; a second payment refunded while
 * the order itself goes on).
 */
export interface StageEffect {
  rank: number;
  status: SagaStatus;
  /** Facts later deadlines depend on. */
  windowEndsAt?: string;
  reviewDeadline?: string;
}

/** True when a payment event concerns only an extra payment of an order that was paid already. */
export function isDuplicatePaymentOnly(data: { reasons?: readonly string[] }): boolean {
  return (
    data.reasons !== undefined &&
    data.reasons.length > 0 &&
    data.reasons.every((r) => r === 'DUPLICATE_PAYMENT')
  );
}

export function stageEffect(type: TimelineEventType, data: object): StageEffect {
  const facts: Pick<StageEffect, 'windowEndsAt' | 'reviewDeadline'> = {};
  if (type === 'OrderPaid') facts.windowEndsAt = (data as OrderPaid).changeWindow?.endsAt;
  if (type === 'EligibilityReviewRequired')
    facts.reviewDeadline = (data as EligibilityReviewRequired).deadline;
  const ranked = sagaStage(type)?.timeline;
  const sideline =
    (type === 'PaymentRejected' || type === 'OrderRefunded') && isDuplicatePaymentOnly(data);
  if (!ranked || sideline) return { rank: 0, status: 'PAID', ...facts };
  return { ...ranked, ...facts };
}

/** The status shown: the progress reached, or STALLED while the saga is stuck at that stage. */
export function displayedStatus(progress: {
  status: SagaStatus;
  progressStage: string | null;
  stalledStage: string | null;
}): SagaStatus {
  // Escalated at once by design: the status says what ops are doing, not "delayed".
  if (TERMINAL_STATUSES.includes(progress.status) || progress.status === 'MANUAL_HANDLING')
    return progress.status;
  if (progress.stalledStage !== null && progress.stalledStage === progress.progressStage)
    return 'STALLED';
  return progress.status;
}

/** What a stage shows in the timeline: its data without ids repeated and without personal data. */
export function stageDetails(data: object): Record<string, unknown> {
  const {
    orderId: _orderId,
    accountId: _accountId,
    customer: _customer,
    ...details
  } = data as Record<string, unknown>;
  return details;
}
