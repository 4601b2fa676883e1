import { AccountStatus, LicenseStatus, ReasonCode } from '@app/contracts';
import { GrantedEntitlement } from '../fingerprint/contract-terms.fingerprint';

/** A license as the registry holds it now (rows locked by the reinstating transaction). */
export interface LicenseFacts {
  licenseId: string;
  accountId: string;
  contractId: string;
  product: string;
  status: LicenseStatus;
  expiresAt: Date;
}

export interface ContractFacts {
  contractId: string;
  endsAt: Date;
  entitlements: GrantedEntitlement[];
}

export interface ReinstatementFacts {
  accountId: string;
  /** null when the account is no longer in the registry. */
  accountStatus: AccountStatus | null;
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
  | { outcome: 'ALREADY_ACTIVE'; license: LicenseFacts; entitlements: GrantedEntitlement[] }
  | { outcome: 'REJECTED'; licenseId: string; reason: ReasonCode };

export type ReinstatementDecision =
  | { kind: 'RESTORE'; steps: Exclude<LicenseStep, { outcome: 'REJECTED' }>[] }
  | {
      kind: 'FAIL';
      /** Every reason found, in case order, each once. */
      reasons: ReasonCode[];
      /**
       * Licenses switched on (in case order) before the first failing one: the transaction turns
       * them on, then compensates by putting them back to SUSPENDED (LicenseResuspended each).
       */
      switchedOnBeforeFailure: Extract<LicenseStep, { outcome: 'REINSTATE' }>[];
      rejected: Extract<LicenseStep, { outcome: 'REJECTED' }>[];
    };

/**
 * Decides a reinstatement: all the case's licenses together or none. Licenses are checked in the
 * case's order; each must still exist, be owned by the account, not be revoked or expired, and
 * its contract must still run. Entitlements are exactly those the license's contract grants.
 */
export function decideReinstatement(facts: ReinstatementFacts): ReinstatementDecision {
  const licenseIds = [...new Set(facts.licenseIds)];
  const accountReason = accountFailure(facts.accountStatus);
  const steps = licenseIds.map((licenseId): LicenseStep => {
    if (accountReason) return { outcome: 'REJECTED', licenseId, reason: accountReason };
    return decideLicense(licenseId, facts);
  });

  const firstFailure = steps.findIndex((step) => step.outcome === 'REJECTED');
  if (firstFailure < 0) {
    return { kind: 'RESTORE', steps: steps as Exclude<LicenseStep, { outcome: 'REJECTED' }>[] };
  }
  const rejected = steps.filter(
    (step): step is Extract<LicenseStep, { outcome: 'REJECTED' }> => step.outcome === 'REJECTED',
  );
  return {
    kind: 'FAIL',
    reasons: [...new Set(rejected.map((step) => step.reason))],
    switchedOnBeforeFailure: steps
      .slice(0, firstFailure)
      .filter(
        (step): step is Extract<LicenseStep, { outcome: 'REINSTATE' }> =>
          step.outcome === 'REINSTATE',
      ),
    rejected,
  };
}

function accountFailure(status: AccountStatus | null): ReasonCode | undefined {
  if (status === null) return 'ACCOUNT_NOT_FOUND';
  if (status === 'TERMINATED') return 'ACCOUNT_TERMINATED';
  return undefined;
}

function decideLicense(licenseId: string, facts: ReinstatementFacts): LicenseStep {
  const license = facts.licenses.find((candidate) => candidate.licenseId === licenseId);
  if (!license) return { outcome: 'REJECTED', licenseId, reason: 'LICENSE_NOT_FOUND' };
  if (license.accountId !== facts.accountId) {
    return { outcome: 'REJECTED', licenseId, reason: 'LICENSE_NOT_OWNED' };
  }
  if (license.status === 'REVOKED')
    return { outcome: 'REJECTED', licenseId, reason: 'LICENSE_REVOKED' };
  const contract = facts.contracts.find((candidate) => candidate.contractId === license.contractId);
  if (!contract) return { outcome: 'REJECTED', licenseId, reason: 'LICENSE_NOT_FOUND' };
  const now = facts.now.getTime();
  if (
    license.status === 'EXPIRED' ||
    license.expiresAt.getTime() <= now ||
    contract.endsAt.getTime() <= now
  ) {
    return { outcome: 'REJECTED', licenseId, reason: 'CONTRACT_EXPIRED' };
  }
  const entitlements = [...contract.entitlements]
    .map((e) => ({ code: e.code, name: e.name }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return license.status === 'ACTIVE'
    ? { outcome: 'ALREADY_ACTIVE', license, entitlements }
    : { outcome: 'REINSTATE', license, entitlements };
}
