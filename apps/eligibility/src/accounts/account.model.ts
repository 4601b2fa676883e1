import { AccountStatus, HoldCategory, LicenseStatus } from '@app/contracts';

/** Eligibility's view of an account, as the latest AccountSnapshot described it. */
export interface AccountHold {
  holdId: string;
  category: HoldCategory;
  state: 'ACTIVE' | 'CLEARED';
  incidentResolved?: boolean;
  requiredDocuments?: string[];
}

export interface AccountContract {
  contractId: string;
  startsAt: string;
  endsAt: string;
}

export interface AccountLicense {
  licenseId: string;
  contractId: string;
  status: LicenseStatus;
  expiresAt: string;
}

export interface Account {
  accountId: string;
  version: number;
  region: string;
  status: AccountStatus;
  outstandingBalanceMinor: number;
  holds: AccountHold[];
  contracts: AccountContract[];
  licenses: AccountLicense[];
}
