import { ReasonCode } from '@app/contracts';
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
  /** `closesOrder`: the order was waiting for this payment and ends with its refund. */
  | { outcome: 'REJECT'; reasons: ReasonCode[]; closesOrder: boolean };

/**
 * Whether a captured payment pays its order. Only the exact amount in the exact currency, for a
 * known order of the same account, before the order's deadline, pays it; anything else is refunded.
 * An order that already has a payment refunds any further one (DUPLICATE_PAYMENT) and carries on.
 */
export function matchPayment(
  order: PayableOrder | undefined,
  payment: IncomingPayment,
  now: Date,
): PaymentDecision {
  // No reason code names an unknown order; the payment matches no order (of its account), which
  // is what PAYMENT_AMOUNT_MISMATCH tells the customer. It is refunded; no order is touched.
  if (!order || order.accountId !== payment.accountId) {
    return { outcome: 'REJECT', reasons: ['PAYMENT_AMOUNT_MISMATCH'], closesOrder: false };
  }
  if (order.status !== 'AWAITING_PAYMENT' && order.status !== 'EXPIRED') {
    return { outcome: 'REJECT', reasons: ['DUPLICATE_PAYMENT'], closesOrder: false };
  }
  const reasons: ReasonCode[] = [];
  // The quote's price stays locked for an order until its payment deadline.
  if (order.status === 'EXPIRED' || now.getTime() >= order.paymentDeadline.getTime())
    reasons.push('QUOTE_EXPIRED');
  if (!sameMoney(order.price, payment.amount)) reasons.push('PAYMENT_AMOUNT_MISMATCH');
  return reasons.length === 0
    ? { outcome: 'ACCEPT' }
    : { outcome: 'REJECT', reasons, closesOrder: true };
}
