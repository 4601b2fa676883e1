export const OrderStatuses = [
  'AWAITING_PAYMENT',
  'PAID',
  'FULFILLED',
  'REFUND_PENDING',
  'REFUNDED',
  'EXPIRED',
] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

export interface ChangeWindow {
  startsAt: Date;
  endsAt: Date;
}

export interface Customer {
  name: string;
  email: string;
}

/**
 * One reactivation order, placed from a quote. Its life:
 * AWAITING_PAYMENT → PAID → FULFILLED, or → REFUND_PENDING → REFUNDED; unpaid → EXPIRED.
 */
export interface Order {
  id: string;
  quoteId: string;
  accountId: string;
  status: OrderStatus;
  customer: Customer;
  changeWindow?: ChangeWindow;
  paymentDeadline: Date;
  /** The payment accepted for the order, or the one whose rejection closed it. */
  paymentId: string | null;
  /** The refund that closes the order (of paymentId), once requested. */
  refundId: string | null;
  createdAt: Date;
  paidAt: Date | null;
  fulfilledAt: Date | null;
  refundRequestedAt: Date | null;
  refundedAt: Date | null;
  expiredAt: Date | null;
}
