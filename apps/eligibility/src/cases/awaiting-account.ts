import { Account } from '../accounts/account.model';
import { CheckEligibilityCommand } from './check-eligibility.usecase';
import { EligibilityCaseEntity } from './eligibility-case.entity';

/** Until when an order for an account not known yet waits for the account's snapshot. */
export function accountDeadlineOf(orderSeenAt: Date, waitSeconds: number): Date {
  return new Date(orderSeenAt.getTime() + waitSeconds * 1000);
}

/**
 * Whether an order waits for its account instead of being decided: only while the account is
 * unknown and its deadline has not passed. Snapshots and orders come on different topics, so an
 * order may overtake the snapshot of an account imported a moment before the payment; rejecting
 * it at once (ACCOUNT_NOT_FOUND) would refund a customer who was entitled.
 */
export function awaitsAccount(account: Account | null, accountDeadline: Date, now: Date): boolean {
  return account === null && accountDeadline.getTime() > now.getTime();
}

/** The check a waiting case asks for, rebuilt from what the case kept of its order. */
export function checkCommandOf(c: EligibilityCaseEntity): CheckEligibilityCommand {
  return {
    orderId: c.orderId,
    accountId: c.accountId,
    region: c.region ?? '',
    licenseIds: c.licenseIds,
    ...(c.changeWindow ? { changeWindow: c.changeWindow } : {}),
  };
}
