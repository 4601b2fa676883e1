import { isDuplicatePaymentOnly } from '../timeline/saga-status';

/** What a payment rejection says about its order's customer (sealed in the event, or opened). */
export interface RejectedPayment<Customer = unknown> {
  reasons: readonly string[];
  customer?: Customer;
}

/**
 * Whether a rejected payment opens its order's support case: billing names the customer only for
 * an order the rejection closes, which is never paid, so no OrderPaid will. A second payment of an
 * order already paid never opens one: its OrderPaid did, with what the order itself was paid.
 */
export function rejectionOpensCase<Customer>(
  rejection: RejectedPayment<Customer>,
): rejection is RejectedPayment<Customer> & { customer: Customer } {
  return rejection.customer !== undefined && !isDuplicatePaymentOnly(rejection);
}
