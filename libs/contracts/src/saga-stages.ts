import { PaymentCaptured, PaymentFailed, RefundSettled } from './events/billing-payments.events';
import { RefundRequested } from './events/billing-refunds.events';
import {
  ManualHandlingRequired,
  OrderFulfilled,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
} from './events/reactivation-billing.events';
import {
  EligibilityRejected,
  EligibilityReviewRequired,
  EligibilityVerified,
} from './events/reactivation-eligibility.events';
import {
  ActivationScheduled,
  EntitlementsRestored,
  ReactivationFailed,
} from './events/reactivation-licensing.events';

/**
 * The saga's stages, described once. Notifications' timeline (where a saga stands and what its
 * customer sees), its stall rules (when a waiting stage is overdue) and the ops story (who must act
 * next) all read this table; adding a stage means adding a row here.
 */

/** What a saga shows at a stage (notifications' timeline and status page). */
export const SagaStatuses = [
  'PAID',
  'IN_REVIEW',
  'VERIFIED',
  'SCHEDULED',
  'RESTORED',
  'REFUND_PENDING',
  'FULFILLED',
  'REFUNDED',
  'STALLED',
  /** Waiting on ops (ManualHandlingRequired): escalated at once to ops and the support contact. */
  'MANUAL_HANDLING',
] as const;
export type SagaStatus = (typeof SagaStatuses)[number];

/** The configurable grace a waiting stage gets before it counts as stalled. */
export type StallAllowance =
  | 'afterPaid'
  | 'afterVerified'
  | 'afterScheduled'
  | 'afterReviewDeadline'
  | 'afterRestored'
  | 'afterRefundRequested';

/**
 * When a waiting stage is overdue: its grace counted from the stage itself, from the review's own
 * deadline, or from the later of the stage and the end of the change window. `immediately`: a
 * stage that needs a person at once (it is escalated as soon as it is reached).
 */
export type StallRule =
  { from: 'stage' | 'reviewDeadline' | 'windowEnd'; allowance: StallAllowance } | 'immediately';

export interface SagaStage {
  /** The event that marks the stage (its CloudEvents type). */
  event: string;
  /**
   * In notifications' timeline: progress only moves forward, to the highest rank seen, whatever
   * order the events of different topics arrive in. Absent: not a timeline stage.
   */
  timeline?: { rank: number; status: SagaStatus };
  /** How long the stage may wait; absent: nothing is awaited (the saga has ended). */
  stall?: StallRule;
  /** Who acts next and what they should produce; absent at an end. */
  next?: {
    actor: string;
    expected: string;
    /** The field of the stage event's data until which the wait is planned. */
    until?: 'deadline' | 'scheduledFor';
  };
  /** The saga has ended with this stage. */
  final?: true;
}

const toRefund = {
  timeline: { rank: 6, status: 'REFUND_PENDING' },
  stall: { from: 'stage', allowance: 'afterRefundRequested' },
  next: { actor: 'billing', expected: 'request the refund (RefundRequested)' },
} as const satisfies Omit<SagaStage, 'event'>;

export const SAGA_STAGES: readonly SagaStage[] = [
  {
    event: PaymentCaptured.type,
    next: { actor: 'billing', expected: 'verify the payment: OrderPaid or PaymentRejected' },
  },
  {
    event: PaymentFailed.type,
    next: { actor: 'upstream billing', expected: 'a new payment attempt (PaymentCaptured)' },
  },
  {
    event: OrderPaid.type,
    timeline: { rank: 1, status: 'PAID' },
    stall: { from: 'stage', allowance: 'afterPaid' },
    next: {
      actor: 'eligibility',
      expected: 'check the order: EligibilityVerified, Rejected or ReviewRequired',
    },
  },
  {
    event: EligibilityReviewRequired.type,
    timeline: { rank: 2, status: 'IN_REVIEW' },
    stall: { from: 'reviewDeadline', allowance: 'afterReviewDeadline' },
    next: {
      actor: 'ops review',
      expected: 'approve or deny the compliance review (eligibility HTTP API) before its deadline',
      until: 'deadline',
    },
  },
  {
    event: EligibilityVerified.type,
    timeline: { rank: 3, status: 'VERIFIED' },
    stall: { from: 'stage', allowance: 'afterVerified' },
    next: {
      actor: 'licensing',
      expected: 'reinstate: EntitlementsRestored, ActivationScheduled or ReactivationFailed',
    },
  },
  {
    event: ActivationScheduled.type,
    timeline: { rank: 4, status: 'SCHEDULED' },
    stall: { from: 'windowEnd', allowance: 'afterScheduled' },
    next: {
      actor: 'licensing',
      expected:
        'reinstate at the start of the change window (EntitlementsRestored or ReactivationFailed)',
      until: 'scheduledFor',
    },
  },
  {
    event: EntitlementsRestored.type,
    timeline: { rank: 5, status: 'RESTORED' },
    stall: { from: 'stage', allowance: 'afterRestored' },
    next: { actor: 'billing', expected: 'fulfil the order (OrderFulfilled)' },
  },
  { event: EligibilityRejected.type, ...toRefund },
  { event: ReactivationFailed.type, ...toRefund },
  { event: PaymentRejected.type, ...toRefund },
  {
    event: RefundRequested.type,
    next: {
      actor: 'upstream billing',
      expected: 'execute the refund (RefundSettled on billing.payments.v1)',
    },
  },
  {
    event: RefundSettled.type,
    next: { actor: 'billing', expected: 'close the order as refunded (OrderRefunded)' },
  },
  {
    // Never with OrderFulfilled (a refund path); an OrderRefunded after ops settle it ends the saga.
    event: ManualHandlingRequired.type,
    timeline: { rank: 7, status: 'MANUAL_HANDLING' },
    stall: 'immediately',
    next: {
      actor: 'ops',
      expected: 'settle it by hand with upstream billing (see the event: reason, refund, amounts)',
      until: 'deadline',
    },
  },
  { event: OrderFulfilled.type, timeline: { rank: 7, status: 'FULFILLED' }, final: true },
  { event: OrderRefunded.type, timeline: { rank: 8, status: 'REFUNDED' }, final: true },
];

const BY_EVENT = new Map(SAGA_STAGES.map((stage) => [stage.event, stage]));

/** The stage an event type marks, if it is one. */
export function sagaStage(eventType: string): SagaStage | undefined {
  return BY_EVENT.get(eventType);
}

/** Statuses after which nothing is awaited any more. */
export const TERMINAL_STATUSES: readonly SagaStatus[] = SAGA_STAGES.filter(
  (stage) => stage.final && stage.timeline,
).map((stage) => stage.timeline!.status);
