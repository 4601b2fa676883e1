/** Stable rejection and failure codes (SPEC section 4). Consumers may rely on them never changing. */
export const ReasonCodes = [
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_NOT_SUSPENDED',
  'ACCOUNT_TERMINATED',
  'REGION_UNSUPPORTED',
  'REACTIVATION_IN_PROGRESS',
  'OUTSTANDING_BALANCE',
  'HOLD_NOT_CLEARABLE',
  'TECHNICAL_ISSUE_UNRESOLVED',
  'DOCUMENTS_REJECTED',
  'DOCUMENTS_EXPIRED',
  'LICENSE_NOT_FOUND',
  'LICENSE_NOT_OWNED',
  'LICENSE_REVOKED',
  'CONTRACT_EXPIRED',
  'PAYMENT_AMOUNT_MISMATCH',
  'QUOTE_EXPIRED',
  'DUPLICATE_PAYMENT',
  /** Licensing: a contract's terms no longer match the fingerprint taken when it was imported. */
  'CONTRACT_TERMS_CHANGED',
  /** Licensing: a scheduled activation failed for a reason of its own (an error, not a rule). */
  'REACTIVATION_ERROR',
] as const;

export type ReasonCode = (typeof ReasonCodes)[number];

/** Why a saga waits on ops (ManualHandlingRequired): stable codes, like the reason codes. */
export const ManualHandlingReasons = ['REFUND_AMOUNT_MISMATCH'] as const;
export type ManualHandlingReason = (typeof ManualHandlingReasons)[number];

export const HoldCategories = [
  'BILLING_HOLD',
  'COMPLIANCE_HOLD',
  'TECHNICAL_INTERRUPTION',
  'FRAUD',
  'LEGAL',
] as const;
export type HoldCategory = (typeof HoldCategories)[number];

export const AccountStatuses = ['ACTIVE', 'SUSPENDED', 'TERMINATED'] as const;
export type AccountStatus = (typeof AccountStatuses)[number];

export const LicenseStatuses = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED'] as const;
export type LicenseStatus = (typeof LicenseStatuses)[number];

export const AddOns = ['SCHEDULED_ACTIVATION', 'RENEWAL_REMINDERS'] as const;
export type AddOn = (typeof AddOns)[number];
