import { AccountStatus, HoldCategory, LicenseStatus } from '../reason-codes';

/**
 * The body of licensing's `PUT /accounts/:id` (its public HTTP API): the whole account at once.
 * Licensing validates it (`AccountImportDto` implements this); the demo, the tests, the bench and
 * the fault suite build it.
 */
export interface AccountImportRequest {
  /** An upper-case region code (EU, US, ...). */
  region: string;
  status: AccountStatus;
  outstandingBalance: { amountMinor: number; currency: string };
  holds: HoldImportRequest[];
  contracts: ContractImportRequest[];
  licenses: LicenseImportRequest[];
}

export interface HoldImportRequest {
  holdId: string;
  category: HoldCategory;
  reason: string;
  state: 'ACTIVE' | 'CLEARED';
  /** TECHNICAL_INTERRUPTION: whether its incident is resolved. */
  incidentResolved?: boolean;
  /** COMPLIANCE_HOLD: the documents ops must verify. */
  requiredDocuments?: string[];
}

export interface ContractImportRequest {
  contractId: string;
  startsAt: string;
  endsAt: string;
  renewalTerms: string;
  /** What the contract grants each of its licenses. */
  entitlements: { code: string; name: string }[];
}

export interface LicenseImportRequest {
  licenseId: string;
  contractId: string;
  product: string;
  status: LicenseStatus;
  expiresAt: string;
  suspendedAt?: string;
}
