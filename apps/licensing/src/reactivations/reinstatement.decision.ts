import { AccountStatus, ReasonCode } from '@app/contracts';
import { GrantedEntitlement } from '../fingerprint/contract-terms.fingerprint';
import {
  AccountFacts,
  ContractFacts,
  HoldFacts,
  LicenseFacts,
} from '../registry/reinstatement.registry';

export type { AccountFacts, ContractFacts, HoldFacts, LicenseFacts };

export interface ReinstatementFacts {
  accountId: string;
  /** null when the account is no longer in the registry. */
  account: AccountFacts | null;
  /** Every hold of the account, whatever its state. */
  holds: HoldFacts[];
  /** The holds eligibility verified as clearable (EligibilityVerified.holdIds). */
  holdIds: string[];
  /** The licenses of the case, in the order the case lists them. */
  licenseIds: string[];
  /** Every license row found for those ids, whoever owns it. */
  licenses: LicenseFacts[];
  contracts: ContractFacts[];
  now: Date;
}

export type LicenseStep =
  /** SUSPENDED → ACTIVE with exactly the entitlements its contract grants. */
  | { outcome: 'REINSTATE'; license: LicenseFacts; entitlements: GrantedEntitlement[] }
  /** Already ACTIVE: reinstating it is a no-op, not an error. */
  | { outcome: 'ALREADY_ACTIVE'; license: LicenseFacts; entitlements: GrantedEntitlement[] };

export type ReinstatementDecision =
  | {
      kind: 'RESTORE';
      steps: LicenseStep[];
      /** The case's holds still active: what the reinstatement clears. */
      clearHoldIds: string[];
    }
  /** Nothing is written to the registry: the case fails and the saga goes to a refund. */
  | { kind: 'FAIL'; reasons: ReasonCode[] };

/**
 * Decides a reinstatement on the registry's own truth at the moment it would write, before any
 * write: all the case's licenses together, or none and every reason why. Eligibility decided from
 * its copy of the account, which lags; whatever the registry can decide is decided again here, in
 * the order eligibility applies its rules:
 * - the account exists, is not terminated and is still suspended;
 * - every active hold may be cleared: FRAUD and LEGAL never, one that eligibility did not name
 *   (added since) never, a billing hold only with no outstanding balance, a technical
 *   interruption only once its incident is resolved (a compliance hold was cleared by its review);
 * - each license exists, is the account's, is not revoked or expired, its contract still runs and
 *   its terms are those imported (their fingerprint).
 */
export function decideReinstatement(facts: ReinstatementFacts): ReinstatementDecision {
  const { account } = facts;
  if (!account) return { kind: 'FAIL', reasons: ['ACCOUNT_NOT_FOUND'] };
  const named = new Set(facts.holdIds);
  const activeHolds = facts.holds.filter((hold) => hold.state === 'ACTIVE');
  const licenseIds = [...new Set(facts.licenseIds)];
  const outcomes = licenseIds.map((licenseId) => decideLicense(licenseId, facts));

  const reasons = unique([
    ...accountReasons(account.status),
    ...activeHolds.flatMap((hold) => holdReasons(hold, named.has(hold.holdId), account)),
    ...outcomes.filter((o): o is ReasonCode => typeof o === 'string'),
  ]);
  if (reasons.length > 0) return { kind: 'FAIL', reasons };
  return {
    kind: 'RESTORE',
    steps: outcomes as LicenseStep[],
    clearHoldIds: unique(facts.holdIds).filter((id) => activeHolds.some((h) => h.holdId === id)),
  };
}

function accountReasons(status: AccountStatus): ReasonCode[] {
  if (status === 'TERMINATED') return ['ACCOUNT_TERMINATED'];
  if (status !== 'SUSPENDED') return ['ACCOUNT_NOT_SUSPENDED'];
  return [];
}

function holdReasons(hold: HoldFacts, named: boolean, account: AccountFacts): ReasonCode[] {
  if (hold.category === 'FRAUD' || hold.category === 'LEGAL' || !named) {
    return ['HOLD_NOT_CLEARABLE'];
  }
  switch (hold.category) {
    case 'BILLING_HOLD':
      // The reactivation fee does not pay arrears.
      return account.outstandingBalanceMinor === 0 ? [] : ['OUTSTANDING_BALANCE'];
    case 'TECHNICAL_INTERRUPTION':
      return hold.incidentResolved === true ? [] : ['TECHNICAL_ISSUE_UNRESOLVED'];
    case 'COMPLIANCE_HOLD':
      return []; // eligibility verified it through an ops review
  }
}

function decideLicense(licenseId: string, facts: ReinstatementFacts): LicenseStep | ReasonCode {
  const license = facts.licenses.find((candidate) => candidate.licenseId === licenseId);
  if (!license) return 'LICENSE_NOT_FOUND';
  if (license.accountId !== facts.accountId) return 'LICENSE_NOT_OWNED';
  if (license.status === 'REVOKED') return 'LICENSE_REVOKED';
  const contract = facts.contracts.find((candidate) => candidate.contractId === license.contractId);
  if (!contract) return 'LICENSE_NOT_FOUND';
  const now = facts.now.getTime();
  if (
    license.status === 'EXPIRED' ||
    license.expiresAt.getTime() <= now ||
    contract.endsAt.getTime() <= now
  ) {
    return 'CONTRACT_EXPIRED';
  }
  if (contract.termsChanged) return 'CONTRACT_TERMS_CHANGED';
  const entitlements = [...contract.entitlements]
    .map((e) => ({ code: e.code, name: e.name }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return license.status === 'ACTIVE'
    ? { outcome: 'ALREADY_ACTIVE', license, entitlements }
    : { outcome: 'REINSTATE', license, entitlements };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
