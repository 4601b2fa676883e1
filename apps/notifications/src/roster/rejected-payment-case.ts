import { isDuplicatePaymentOnly } from '../timeline/saga-status';

/** What a payment rejection says about its order's customer. */
export interface RejectedPayment {
  reasons: readonly string[];
  customer?: { name: string; email: string };
}

/**
 * Whether a rejected payment opens its order's support case: billing names the customer only for
 * an order the rejection closes, which is never paid, so no OrderPaid will. A second payment of an
 * order already paid never opens one: its OrderPaid did, with what the order itself was paid.
 */
export function rejectionOpensCase(
  rejection: RejectedPayment,
): rejection is RejectedPayment & { customer: { name: string; email: string } } {
  return rejection.customer !== undefined && !isDuplicatePaymentOnly(rejection);
}
