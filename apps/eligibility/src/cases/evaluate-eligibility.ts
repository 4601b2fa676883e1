import { ReasonCode } from '@app/contracts';
import { Account, AccountHold } from '../accounts/account.model';

/** What an order asks eligibility to reactivate. */
export interface EligibilityOrder {
  accountId: string;
  region: string;
  licenseIds: string[];
}

/** Facts from outside the account that the rules need. */
export interface EligibilityContext {
  now: Date;
  supportedRegions: readonly string[];
  /** Another order's case for this account is still open (verified or in review). */
  hasOtherOpenCase: boolean;
  /** Owner (accountId) of every license any snapshot named, at least for the order's licenses. */
  licenseOwners: ReadonlyMap<string, string>;
}

/** A compliance hold that only an ops review can clear. */
export interface ReviewHold {
  holdId: string;
  requiredDocuments: string[];
}

export interface EligibilityAssessment {
  /** Every reason found, in the order the rules are applied, each code once. */
  reasons: ReasonCode[];
  /** Compliance holds to review (meaningful only when there is no reason). */
  reviewHolds: ReviewHold[];
  /** Every active hold: what a verified reactivation clears. */
  activeHoldIds: string[];
}

/** The document ops must check when a compliance hold does not name its documents. */
export const DEFAULT_COMPLIANCE_DOCUMENT = 'compliance-attestation';

type Rule = (
  account: Account,
  order: EligibilityOrder,
  context: EligibilityContext,
) => ReasonCode[];

const accountStatus: Rule = (account) => {
  if (account.status === 'TERMINATED') return ['ACCOUNT_TERMINATED'];
  // A terminated account is not suspended either, but saying so twice helps nobody.
  if (account.status !== 'SUSPENDED') return ['ACCOUNT_NOT_SUSPENDED'];
  return [];
};

const regionSupported: Rule = (account, order, context) =>
  context.supportedRegions.includes(account.region) &&
  context.supportedRegions.includes(order.region)
    ? []
    : ['REGION_UNSUPPORTED'];

const noOtherReactivation: Rule = (_account, _order, context) =>
  context.hasOtherOpenCase ? ['REACTIVATION_IN_PROGRESS'] : [];

const holdsClearable: Rule = (account) =>
  activeHolds(account).flatMap((hold): ReasonCode[] => {
    switch (hold.category) {
      case 'BILLING_HOLD':
        // The reactivation fee does not pay arrears.
        return account.outstandingBalanceMinor === 0 ? [] : ['OUTSTANDING_BALANCE'];
      case 'TECHNICAL_INTERRUPTION':
        return hold.incidentResolved === true ? [] : ['TECHNICAL_ISSUE_UNRESOLVED'];
      case 'FRAUD':
      case 'LEGAL':
        return ['HOLD_NOT_CLEARABLE'];
      case 'COMPLIANCE_HOLD':
        return []; // cleared by a review, not a reason
    }
  });

const licensesReinstatable: Rule = (account, order, context) =>
  unique(order.licenseIds).flatMap((licenseId): ReasonCode[] => {
    const license = account.licenses.find((l) => l.licenseId === licenseId);
    if (!license) {
      const owner = context.licenseOwners.get(licenseId);
      return [
        owner !== undefined && owner !== account.accountId
          ? 'LICENSE_NOT_OWNED'
          : 'LICENSE_NOT_FOUND',
      ];
    }
    if (license.status === 'REVOKED') return ['LICENSE_REVOKED'];
    const contract = account.contracts.find((c) => c.contractId === license.contractId);
    // A license outside a live contract term cannot be reinstated under that contract.
    const termEnded =
      !contract ||
      Date.parse(contract.endsAt) <= context.now.getTime() ||
      license.status === 'EXPIRED' ||
      Date.parse(license.expiresAt) <= context.now.getTime();
    return termEnded ? ['CONTRACT_EXPIRED'] : [];
  });

/** The rules, in the fixed order in which they are applied (and their reasons reported). */
const RULES: readonly Rule[] = [
  accountStatus,
  regionSupported,
  noOtherReactivation,
  holdsClearable,
  licensesReinstatable,
];

/**
 * Decides whether an order's licenses may be reactivated on an account: every reason against it
 * (an unknown account is the only reason that stops the check), and the compliance holds that need
 * an ops review when nothing else stands in the way.
 */
export function evaluateEligibility(
  account: Account | null,
  order: EligibilityOrder,
  context: EligibilityContext,
): EligibilityAssessment {
  if (!account) return { reasons: ['ACCOUNT_NOT_FOUND'], reviewHolds: [], activeHoldIds: [] };
  const holds = activeHolds(account);
  return {
    reasons: unique(RULES.flatMap((rule) => rule(account, order, context))),
    reviewHolds: holds
      .filter((hold) => hold.category === 'COMPLIANCE_HOLD')
      .map((hold) => ({
        holdId: hold.holdId,
        requiredDocuments:
          hold.requiredDocuments && hold.requiredDocuments.length > 0
            ? hold.requiredDocuments
            : [DEFAULT_COMPLIANCE_DOCUMENT],
      })),
    activeHoldIds: holds.map((hold) => hold.holdId),
  };
}

/** The licenses of an order that the account's own snapshot does not list. */
export function licensesNotOnAccount(account: Account | null, licenseIds: string[]): string[] {
  if (!account) return [];
  return unique(licenseIds).filter((id) => !account.licenses.some((l) => l.licenseId === id));
}

function activeHolds(account: Account): AccountHold[] {
  return account.holds.filter((hold) => hold.state === 'ACTIVE');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
