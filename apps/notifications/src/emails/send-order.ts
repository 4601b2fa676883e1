import { EmailStages } from './email.templates';

/** Where each stage's email comes in a saga, so a customer reads them in the order things happened. */
const SAGA_ORDER: string[] = [
  EmailStages.PaymentReceived,
  EmailStages.DuplicatePaymentRejected,
  EmailStages.ReviewRequired,
  EmailStages.Scheduled,
  EmailStages.Restored,
  EmailStages.EligibilityRejected,
  EmailStages.ReactivationFailed,
  EmailStages.PaymentRejected,
  EmailStages.DuplicatePaymentRefunded,
  EmailStages.Refunded,
  EmailStages.RenewalReminder,
  EmailStages.Stalled,
];

const rank = (stage: string): number => {
  const index = SAGA_ORDER.indexOf(stage);
  return index < 0 ? SAGA_ORDER.length : index;
};

/**
 * Groups messages by order, each order's in saga order (then as due). The groups may be sent in
 * parallel; one group's messages must be sent one after the other, since messages sent at once
 * reach the customer in any order (a refund confirmed before the rejection that caused it).
 */
export function inSendingOrder<T extends { orderId: string; stage: string; dueAt: Date }>(
  messages: T[],
): T[][] {
  const byOrder = new Map<string, T[]>();
  for (const message of messages) {
    byOrder.set(message.orderId, [...(byOrder.get(message.orderId) ?? []), message]);
  }
  return [...byOrder.values()].map((group) =>
    group.sort((a, b) => rank(a.stage) - rank(b.stage) || a.dueAt.getTime() - b.dueAt.getTime()),
  );
}
