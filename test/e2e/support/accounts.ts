/**
 * Accounts as ops import them into licensing (PUT /accounts/:id). Each scenario builds its own
 * account with fresh ids, so scenarios sharing one system never touch each other's data.
 */
import {
  AccountImportRequest,
  ContractImportRequest,
  HoldImportRequest,
  LicenseImportRequest,
} from '@app/contracts';
import { daysFromNow } from '@app/testing';
import { randomUUID } from 'node:crypto';

export const FAR_FUTURE = daysFromNow(3 * 365);
export const LICENSE_EXPIRY = daysFromNow(2 * 365);
const CONTRACT_START = daysFromNow(-300);
const SUSPENDED_AT = daysFromNow(-30);

export type HoldImport = HoldImportRequest;
export type ContractImport = ContractImportRequest;
export type LicenseImport = LicenseImportRequest;
export type AccountImport = AccountImportRequest;

export const ENTITLEMENTS = [
  { code: 'VIDEO', name: 'Video meetings' },
  { code: 'AUDIO', name: 'Audio conferencing' },
  { code: 'RECORDING', name: 'Cloud recording' },
];

/** A fresh id for a scenario's account (and the prefix of its other ids). */
export function newAccountId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * The account a reactivation is for: suspended for an unpaid invoice now settled (a billing hold,
 * balance 0), one running contract granting three entitlements, `licenses` suspended licenses.
 * `change` adjusts it into the case a scenario needs.
 */
export function suspendedAccount(
  accountId: string,
  options: { region?: string; currency?: string; licenses?: number } = {},
): AccountImport {
  const contractId = `${accountId}-c1`;
  return {
    region: options.region ?? 'EU',
    status: 'SUSPENDED',
    outstandingBalance: { amountMinor: 0, currency: options.currency ?? 'EUR' },
    holds: [
      {
        holdId: `${accountId}-h1`,
        category: 'BILLING_HOLD',
        reason: 'invoice 2026-10 unpaid',
        state: 'ACTIVE',
      },
    ],
    contracts: [
      {
        contractId,
        startsAt: CONTRACT_START,
        endsAt: FAR_FUTURE,
        renewalTerms: 'AUTO_RENEW_12M',
        entitlements: ENTITLEMENTS,
      },
    ],
    licenses: Array.from({ length: options.licenses ?? 1 }, (_, i) => ({
      licenseId: `${accountId}-l${i + 1}`,
      contractId,
      product: i % 2 === 0 ? 'Poly Lens' : 'Poly Studio',
      status: 'SUSPENDED' as const,
      expiresAt: LICENSE_EXPIRY,
      suspendedAt: SUSPENDED_AT,
    })),
  };
}

export function licenseIdsOf(account: AccountImport): string[] {
  return account.licenses.map((l) => l.licenseId);
}
