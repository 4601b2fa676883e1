/**
 * Every kind of saga the fault suite drives, the account each needs (as ops import it into
 * licensing) and the end each must reach. Pure data: the driver plays them, the invariant
 * checker judges them.
 */
import { AccountImportRequest } from '@app/contracts';

export type SagaKind =
  | 'fulfilled'
  | 'change-window'
  | 'review-approved'
  | 'review-denied'
  | 'account-not-suspended'
  | 'account-terminated'
  | 'outstanding-balance'
  | 'hold-not-clearable'
  | 'license-not-owned'
  | 'contract-expired'
  | 'region-unsupported'
  | 'underpaid'
  | 'overpaid'
  | 'duplicate-payment';

export const SAGA_KINDS: SagaKind[] = [
  'fulfilled',
  'change-window',
  'review-approved',
  'review-denied',
  'account-not-suspended',
  'account-terminated',
  'outstanding-balance',
  'hold-not-clearable',
  'license-not-owned',
  'contract-expired',
  'region-unsupported',
  'underpaid',
  'overpaid',
  'duplicate-payment',
];

export type EmailStage =
  | 'paid'
  | 'review'
  | 'scheduled'
  | 'restored'
  | 'rejected'
  | 'paymentRejected'
  | 'secondPayment'
  | 'refunded';

/** What a saga of a kind must end with. */
export interface SagaOutcome {
  /** The order's final status in billing. */
  status: 'FULFILLED' | 'REFUNDED';
  /** Whether an OrderPaid is due (a payment of the wrong amount never pays the order). */
  paid: boolean;
  /** Refunds requested for the order (the duplicate payment's, or the whole order's). */
  refunds: number;
  /** The reasons of the refund, when there is one. */
  reasons?: string[];
  /** The stages the customer gets one email each about. */
  emails: EmailStage[];
  /** A stage emailed once if the order has an event of that type, else never. */
  emailIfEvent?: { stage: EmailStage; type: string };
}

export const OUTCOMES: Record<SagaKind, SagaOutcome> = {
  fulfilled: { status: 'FULFILLED', paid: true, refunds: 0, emails: ['paid', 'restored'] },
  // 'scheduled' only when licensing scheduled it: a window that began before the order was
  // verified (a slow or faulty run) is met at once, with no ActivationScheduled.
  'change-window': {
    status: 'FULFILLED',
    paid: true,
    refunds: 0,
    emails: ['paid', 'restored'],
    emailIfEvent: { stage: 'scheduled', type: 'ActivationScheduled' },
  },
  'review-approved': {
    status: 'FULFILLED',
    paid: true,
    refunds: 0,
    emails: ['paid', 'review', 'restored'],
  },
  'review-denied': refunded(['DOCUMENTS_REJECTED'], ['paid', 'review', 'rejected', 'refunded']),
  'account-not-suspended': refunded(['ACCOUNT_NOT_SUSPENDED']),
  'account-terminated': refunded(['ACCOUNT_TERMINATED']),
  'outstanding-balance': refunded(['OUTSTANDING_BALANCE']),
  'hold-not-clearable': refunded(['HOLD_NOT_CLEARABLE']),
  'license-not-owned': refunded(['LICENSE_NOT_OWNED']),
  'contract-expired': refunded(['CONTRACT_EXPIRED']),
  'region-unsupported': refunded(['REGION_UNSUPPORTED']),
  underpaid: {
    status: 'REFUNDED',
    paid: false,
    refunds: 1,
    reasons: ['PAYMENT_AMOUNT_MISMATCH'],
    emails: ['paymentRejected', 'refunded'],
  },
  overpaid: {
    status: 'REFUNDED',
    paid: false,
    refunds: 1,
    reasons: ['PAYMENT_AMOUNT_MISMATCH'],
    emails: ['paymentRejected', 'refunded'],
  },
  'duplicate-payment': {
    status: 'FULFILLED',
    paid: true,
    refunds: 1,
    reasons: ['DUPLICATE_PAYMENT'],
    // The second payment's refund settles without an OrderRefunded (the order stays fulfilled),
    // so no refund email: the second-payment email already says it will be refunded.
    emails: ['paid', 'restored', 'secondPayment'],
  },
};

function refunded(
  reasons: string[],
  emails: EmailStage[] = ['paid', 'rejected', 'refunded'],
): SagaOutcome {
  return { status: 'REFUNDED', paid: true, refunds: 1, reasons, emails };
}

/** Subjects of the customer's emails (email.templates.ts), a fragment each. */
export const SUBJECTS: Record<EmailStage, string> = {
  paid: 'Payment received',
  review: 'Documents needed',
  scheduled: 'is scheduled',
  restored: 'Your services are reactivated',
  rejected: 'We could not reactivate your services',
  paymentRejected: 'Your payment could not be accepted',
  secondPayment: 'A second payment for order',
  refunded: 'Your refund is complete',
};

export function stageOfSubject(subject: string): EmailStage | undefined {
  return (Object.keys(SUBJECTS) as EmailStage[]).find((stage) => subject.includes(SUBJECTS[stage]));
}

export const REVIEW_DOCUMENTS = ['passport', 'proof-of-address'];
const FAR_FUTURE = '2029-12-31T00:00:00.000Z';
const ENTITLEMENTS = [
  { code: 'VIDEO', name: 'Video meetings' },
  { code: 'AUDIO', name: 'Audio conferencing' },
];

export type AccountImport = AccountImportRequest;

/** The plan of one saga: its account(s), what is ordered and paid. */
export interface SagaPlan {
  index: number;
  kind: SagaKind;
  accountId: string;
  account: AccountImport;
  /** Another account to import first (its license is ordered by license-not-owned). */
  other?: { accountId: string; account: AccountImport };
  region: string;
  licenseIds: string[];
  /** The licenses of the saga's own account (for the registry check). */
  ownLicenseIds: string[];
  changeWindowInSeconds?: number;
  /** Added to the order's amount in the payment (under/over-payment). */
  paymentDelta: number;
  /** A second, distinct payment once the first was taken. */
  secondPayment: boolean;
}

/** The suspended account every kind starts from: a settled billing hold, one running contract. */
function suspendedAccount(accountId: string, region: string, currency: string): AccountImport {
  const contractId = `${accountId}-c1`;
  return {
    region,
    status: 'SUSPENDED',
    outstandingBalance: { amountMinor: 0, currency },
    holds: [
      {
        holdId: `${accountId}-h1`,
        category: 'BILLING_HOLD',
        reason: 'invoice unpaid',
        state: 'ACTIVE',
      },
    ],
    contracts: [
      {
        contractId,
        startsAt: '2026-01-01T00:00:00.000Z',
        endsAt: FAR_FUTURE,
        renewalTerms: 'AUTO_RENEW_12M',
        entitlements: ENTITLEMENTS,
      },
    ],
    licenses: [
      {
        licenseId: `${accountId}-l1`,
        contractId,
        product: 'Poly Lens',
        status: 'SUSPENDED',
        expiresAt: '2028-06-30T00:00:00.000Z',
        suspendedAt: '2026-11-01T00:00:00.000Z',
      },
    ],
  };
}

const REGIONS: [string, string][] = [
  ['EU', 'EUR'],
  ['US', 'USD'],
  ['UK', 'GBP'],
  ['JP', 'JPY'],
];

/** The plan of saga `index` of a run (`runId` keeps ids unique across runs on one database). */
export function planSaga(runId: string, index: number, kind: SagaKind): SagaPlan {
  const accountId = `ch${runId}-${index}`;
  const [region, currency] = REGIONS[index % REGIONS.length];
  const account = suspendedAccount(accountId, region, currency);
  const plan: SagaPlan = {
    index,
    kind,
    accountId,
    account,
    region,
    licenseIds: account.licenses.map((l) => l.licenseId),
    ownLicenseIds: account.licenses.map((l) => l.licenseId),
    paymentDelta: 0,
    secondPayment: false,
  };
  switch (kind) {
    case 'change-window':
      plan.changeWindowInSeconds = 8;
      break;
    case 'review-approved':
    case 'review-denied':
      account.holds.push({
        holdId: `${accountId}-kyc`,
        category: 'COMPLIANCE_HOLD',
        reason: 'identity to be verified',
        state: 'ACTIVE',
        requiredDocuments: REVIEW_DOCUMENTS,
      });
      break;
    case 'account-not-suspended':
      account.status = 'ACTIVE';
      account.holds = [];
      account.licenses = account.licenses.map(({ suspendedAt: _, ...l }) => ({
        ...l,
        status: 'ACTIVE' as const,
      }));
      break;
    case 'account-terminated':
      account.status = 'TERMINATED';
      break;
    case 'outstanding-balance':
      account.outstandingBalance = { amountMinor: 12_500, currency };
      break;
    case 'hold-not-clearable':
      account.holds.push({
        holdId: `${accountId}-fraud`,
        category: 'FRAUD',
        reason: 'chargeback ring',
        state: 'ACTIVE',
      });
      break;
    case 'license-not-owned': {
      const otherId = `${accountId}-o`;
      plan.other = { accountId: otherId, account: suspendedAccount(otherId, region, currency) };
      plan.licenseIds = [...plan.licenseIds, `${otherId}-l1`];
      break;
    }
    case 'contract-expired':
      account.contracts = account.contracts.map((c) => ({
        ...c,
        startsAt: '2025-01-01T00:00:00.000Z',
        endsAt: '2026-10-31T00:00:00.000Z',
      }));
      break;
    case 'region-unsupported':
      account.region = 'BR';
      account.outstandingBalance.currency = 'BRL';
      plan.region = 'US';
      break;
    case 'underpaid':
      plan.paymentDelta = -100;
      break;
    case 'overpaid':
      plan.paymentDelta = 100;
      break;
    case 'duplicate-payment':
      plan.secondPayment = true;
      break;
    case 'fulfilled':
      break;
  }
  return plan;
}

/** N sagas, the kinds in turn, so every kind is driven (N ≥ kinds) and spread over the run. */
export function planSagas(runId: string, n: number): SagaPlan[] {
  return Array.from({ length: n }, (_, i) => planSaga(runId, i, SAGA_KINDS[i % SAGA_KINDS.length]));
}
