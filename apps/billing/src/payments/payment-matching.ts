import { ReasonCode, SIGNATURE_TOLERANCE_SECONDS } from '@app/contracts';
import { Money, sameMoney } from '../money/money';
import { OrderStatus } from '../orders/order';

/** What a payment is checked against: its order, and the price locked by the order's quote. */
export interface PayableOrder {
  accountId: string;
  status: OrderStatus;
  paymentDeadline: Date;
  price: Money;
}

export interface IncomingPayment {
  accountId: string;
  amount: Money;
}

export type PaymentDecision =
  | { outcome: 'ACCEPT' }
  /**
   * `closesOrder`: the order was waiting for this payment and ends with its refund.
   * `ofOrder`: the order is the payer's, so its saga hears of the rejection (PaymentRejected);
   * false for an unknown order or another account's, whose saga it must not touch.
   */
  | { outcome: 'REJECT'; reasons: ReasonCode[]; closesOrder: boolean; ofOrder: boolean };

/**
 * When a payment happened, to judge it against its order's deadline: upstream's signed capture
 * time, but never after the broker appended the record (a capture time in the future buys no
 * time) nor more than the signature tolerance before it (the signature was fresh then). Never
 * when billing got round to it: billing down or lagging must not turn an on-time payer into a
 * late one.
 */
export function paymentTime(
  capturedAt: Date,
  appendedAt: Date,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): Date {
  const earliest = appendedAt.getTime() - toleranceSeconds * 1000;
  const captured = capturedAt.getTime();
  return new Date(Math.min(appendedAt.getTime(), Math.max(earliest, captured)));
}

/**
 * Whether a captured payment pays its order. Only the exact amount in the exact currency, for a
 * known order of the same account, made before the order's deadline (`paidAt`, see
 * paymentTime), pays it; anything else is refunded. An order the deadline sweep expired before its
 * on-time payment was processed is still paid by it. An order that already has a payment refunds
 * any further one (DUPLICATE_PAYMENT) and carries on.
 */
export function matchPayment(
  order: PayableOrder | undefined,
  payment: IncomingPayment,
  paidAt: Date,
): PaymentDecision {
  // No reason code names an unknown order; the payment matches no order (of its account), which
  // is what PAYMENT_AMOUNT_MISMATCH says. It is refunded; no order and no saga is touched.
  if (!order || order.accountId !== payment.accountId) {
    return {
      outcome: 'REJECT',
      reasons: ['PAYMENT_AMOUNT_MISMATCH'],
      closesOrder: false,
      ofOrder: false,
    };
  }
  if (order.status !== 'AWAITING_PAYMENT' && order.status !== 'EXPIRED') {
    return { outcome: 'REJECT', reasons: ['DUPLICATE_PAYMENT'], closesOrder: false, ofOrder: true };
  }
  const reasons: ReasonCode[] = [];
  // The quote's price stays locked for an order until its payment deadline. The sweep expires an
  // order only past its deadline, so an EXPIRED order paid before it was expired while its
  // payment waited in the topic.
  if (paidAt.getTime() >= order.paymentDeadline.getTime()) reasons.push('QUOTE_EXPIRED');
  if (!sameMoney(order.price, payment.amount)) reasons.push('PAYMENT_AMOUNT_MISMATCH');
  return reasons.length === 0
    ? { outcome: 'ACCEPT' }
    : { outcome: 'REJECT', reasons, closesOrder: true, ofOrder: true };
}
