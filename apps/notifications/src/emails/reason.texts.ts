import { ReasonCode } from '@app/contracts';

/** What each stable reason code means, in words a customer understands. */
export const REASON_TEXTS: Record<ReasonCode, string> = {
  ACCOUNT_NOT_FOUND: 'We could not find your account.',
  ACCOUNT_NOT_SUSPENDED: 'Your account is not suspended, so there is nothing to reactivate.',
  ACCOUNT_TERMINATED: 'Your account has been terminated and cannot be reactivated.',
  REGION_UNSUPPORTED: 'Reactivation is not available in your account’s region.',
  REACTIVATION_IN_PROGRESS: 'Another reactivation is already in progress for your account.',
  OUTSTANDING_BALANCE:
    'Your account has an outstanding balance; the reactivation fee does not settle it.',
  HOLD_NOT_CLEARABLE: 'Your account has a hold that this service cannot lift; please contact us.',
  TECHNICAL_ISSUE_UNRESOLVED: 'The technical incident behind the suspension is not resolved yet.',
  DOCUMENTS_REJECTED: 'The compliance documents could not be accepted.',
  DOCUMENTS_EXPIRED: 'The compliance documents were not verified before the deadline.',
  LICENSE_NOT_FOUND: 'One of the licenses in your order does not exist.',
  LICENSE_NOT_OWNED: 'One of the licenses in your order does not belong to your account.',
  LICENSE_REVOKED: 'One of the licenses in your order has been revoked.',
  CONTRACT_EXPIRED: 'The contract of one of the licenses in your order has expired.',
  PAYMENT_AMOUNT_MISMATCH: 'The payment did not match the amount of your order.',
  QUOTE_EXPIRED: 'The price quote had expired when the payment arrived.',
  DUPLICATE_PAYMENT: 'This order had already been paid; the extra payment is returned.',
  CONTRACT_TERMS_CHANGED:
    'The terms of your contract changed since your order was checked, so we did not reinstate under them.',
  REACTIVATION_ERROR: 'We could not complete the reactivation because of an error on our side.',
};

export function reasonText(code: string): string {
  return (REASON_TEXTS as Record<string, string>)[code] ?? `Reason: ${code}.`;
}
