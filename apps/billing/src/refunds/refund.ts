import { ReasonCode } from '@app/contracts';
import { createHash } from 'node:crypto';
import { Money } from '../money/money';

export type RefundStatus = 'REQUESTED' | 'SETTLED';

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
