import { ReasonCode } from '@app/contracts';
import { createHash } from 'node:crypto';
import { Money, sameMoney } from '../money/money';

/** MISMATCHED: upstream settled another amount than requested; the saga waits on ops. */
export type RefundStatus = 'REQUESTED' | 'SETTLED' | 'MISMATCHED';

/** A full refund of one payment, requested from upstream and settled by it. */
export interface Refund {
  refundId: string;
  orderId: string;
  accountId: string;
  paymentId: string;
  amount: Money;
  reasons: ReasonCode[];
  status: RefundStatus;
  requestedAt: Date;
  settledAt: Date | null;
  /** What upstream says it refunded, when that was not the amount requested. */
  settledAmount: Money | null;
}

/**
 * What a RefundSettled from upstream means for the refund it names: the end of the refund, a
 * redelivery of one already recorded, or an amount other than the one requested, which no rule
 * can reconcile (the customer got more or less than they paid): ops must act.
 */
export type Settlement = 'SETTLE' | 'ALREADY_RECORDED' | 'MISMATCH';

export function settlementOf(refund: Refund, settled: Money): Settlement {
  if (refund.status !== 'REQUESTED') return 'ALREADY_RECORDED';
  return sameMoney(refund.amount, settled) ? 'SETTLE' : 'MISMATCH';
}

const MAX_ID_LENGTH = 64;
const PREFIX = 'rf-';

/**
 * The refund of a payment has one id, derived from the payment: it is the idempotency key
 * upstream sees, so asking twice can never refund twice. Long payment ids are hashed to fit.
 */
export function refundIdFor(paymentId: string): string {
  if (PREFIX.length + paymentId.length <= MAX_ID_LENGTH) return PREFIX + paymentId;
  const digest = createHash('sha256').update(paymentId).digest('hex');
  return PREFIX + digest.slice(0, MAX_ID_LENGTH - PREFIX.length);
}
