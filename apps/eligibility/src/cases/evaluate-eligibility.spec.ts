import { Account, AccountHold } from '../accounts/account.model';
import {
  DEFAULT_COMPLIANCE_DOCUMENT,
  EligibilityContext,
  EligibilityOrder,
  evaluateEligibility,
  licensesNotOnAccount,
} from './evaluate-eligibility';

const NOW = new Date('2026-11-23T12:00:00Z');

function account(overrides: Partial<Account> = {}): Account {
  return {
    accountId: 'acc-1',
    version: 3,
    region: 'EU',
    status: 'SUSPENDED',
    outstandingBalanceMinor: 0,
    holds: [{ holdId: 'hold-billing', category: 'BILLING_HOLD', state: 'ACTIVE' }],
    contracts: [
      { contractId: 'ctr-1', startsAt: '2025-01-01T00:00:00Z', endsAt: '2027-12-31T00:00:00Z' },
    ],
    licenses: [
      {
        licenseId: 'lic-1',
        contractId: 'ctr-1',
        status: 'SUSPENDED',
        expiresAt: '2027-12-31T00:00:00Z',
      },
      {
        licenseId: 'lic-2',
        contractId: 'ctr-1',
        status: 'SUSPENDED',
        expiresAt: '2027-12-31T00:00:00Z',
      },
    ],
    ...overrides,
  };
}

const order: EligibilityOrder = {
  accountId: 'acc-1',
  region: 'EU',
  licenseIds: ['lic-1', 'lic-2'],
};

function context(overrides: Partial<EligibilityContext> = {}): EligibilityContext {
  return {
    now: NOW,
    supportedRegions: ['EU', 'US', 'UK', 'JP'],
    hasOtherOpenCase: false,
    licenseOwners: new Map(),
    ...overrides,
  };
}

function hold(category: AccountHold['category'], extra: Partial<AccountHold> = {}): AccountHold {
  return { holdId: `hold-${category.toLowerCase()}`, category, state: 'ACTIVE', ...extra };
}

describe('evaluateEligibility', () => {
  it('finds nothing against a suspended account with a paid-up billing hold and live licenses', () => {
    expect(evaluateEligibility(account(), order, context())).toEqual({
      reasons: [],
      reviewHolds: [],
      activeHoldIds: ['hold-billing'],
    });
  });

  describe('account', () => {
    it('stops at ACCOUNT_NOT_FOUND when no snapshot of the account was received', () => {
      const result = evaluateEligibility(null, order, context({ hasOtherOpenCase: true }));
      expect(result.reasons).toEqual(['ACCOUNT_NOT_FOUND']);
    });

    it('rejects a terminated account with ACCOUNT_TERMINATED only', () => {
      expect(
        evaluateEligibility(account({ status: 'TERMINATED' }), order, context()).reasons,
      ).toEqual(['ACCOUNT_TERMINATED']);
    });

    it('rejects an active account with ACCOUNT_NOT_SUSPENDED', () => {
      expect(evaluateEligibility(account({ status: 'ACTIVE' }), order, context()).reasons).toEqual([
        'ACCOUNT_NOT_SUSPENDED',
      ]);
    });
  });

  describe('region', () => {
    it('rejects an account in a region the product does not serve', () => {
      expect(evaluateEligibility(account({ region: 'BR' }), order, context()).reasons).toEqual([
        'REGION_UNSUPPORTED',
      ]);
    });

    it('rejects an order placed for an unsupported region', () => {
      expect(evaluateEligibility(account(), { ...order, region: 'BR' }, context()).reasons).toEqual(
        ['REGION_UNSUPPORTED'],
      );
    });

    it('follows the configured list of regions', () => {
      const ctx = context({ supportedRegions: ['US'] });
      expect(evaluateEligibility(account(), order, ctx).reasons).toEqual(['REGION_UNSUPPORTED']);
    });
  });

  it('rejects with REACTIVATION_IN_PROGRESS while another case of the account is open', () => {
    expect(
      evaluateEligibility(account(), order, context({ hasOtherOpenCase: true })).reasons,
    ).toEqual(['REACTIVATION_IN_PROGRESS']);
  });

  describe('holds', () => {
    it('clears a billing hold only when nothing is outstanding', () => {
      const owing = account({ outstandingBalanceMinor: 1 });
      expect(evaluateEligibility(owing, order, context()).reasons).toEqual(['OUTSTANDING_BALANCE']);
    });

    it('clears a technical interruption only once its incident is resolved', () => {
      const unresolved = account({
        holds: [hold('TECHNICAL_INTERRUPTION', { incidentResolved: false })],
      });
      const unknown = account({ holds: [hold('TECHNICAL_INTERRUPTION')] });
      const resolved = account({
        holds: [hold('TECHNICAL_INTERRUPTION', { incidentResolved: true })],
      });
      expect(evaluateEligibility(unresolved, order, context()).reasons).toEqual([
        'TECHNICAL_ISSUE_UNRESOLVED',
      ]);
      expect(evaluateEligibility(unknown, order, context()).reasons).toEqual([
        'TECHNICAL_ISSUE_UNRESOLVED',
      ]);
      expect(evaluateEligibility(resolved, order, context())).toEqual({
        reasons: [],
        reviewHolds: [],
        activeHoldIds: ['hold-technical_interruption'],
      });
    });

    it.each(['FRAUD', 'LEGAL'] as const)('never clears a %s hold', (category) => {
      expect(
        evaluateEligibility(account({ holds: [hold(category)] }), order, context()).reasons,
      ).toEqual(['HOLD_NOT_CLEARABLE']);
    });

    it('reports a reason once even when several holds share it', () => {
      const holds = [hold('FRAUD'), hold('LEGAL')];
      expect(evaluateEligibility(account({ holds }), order, context()).reasons).toEqual([
        'HOLD_NOT_CLEARABLE',
      ]);
    });

    it('ignores holds that are already cleared', () => {
      const holds = [hold('FRAUD', { state: 'CLEARED' }), hold('BILLING_HOLD')];
      expect(evaluateEligibility(account({ holds }), order, context())).toEqual({
        reasons: [],
        reviewHolds: [],
        activeHoldIds: ['hold-billing_hold'],
      });
    });

    it('sends a compliance hold to review with its required documents', () => {
      const holds = [
        hold('BILLING_HOLD'),
        hold('COMPLIANCE_HOLD', { requiredDocuments: ['proof-of-address', 'company-register'] }),
      ];
      expect(evaluateEligibility(account({ holds }), order, context())).toEqual({
        reasons: [],
        reviewHolds: [
          {
            holdId: 'hold-compliance_hold',
            requiredDocuments: ['proof-of-address', 'company-register'],
          },
        ],
        activeHoldIds: ['hold-billing_hold', 'hold-compliance_hold'],
      });
    });

    it('asks for a compliance attestation when a compliance hold names no document', () => {
      const result = evaluateEligibility(
        account({ holds: [hold('COMPLIANCE_HOLD')] }),
        order,
        context(),
      );
      expect(result.reviewHolds).toEqual([
        { holdId: 'hold-compliance_hold', requiredDocuments: [DEFAULT_COMPLIANCE_DOCUMENT] },
      ]);
    });
  });

  describe('licenses', () => {
    it('rejects a license no snapshot has named with LICENSE_NOT_FOUND', () => {
      const result = evaluateEligibility(
        account(),
        { ...order, licenseIds: ['lic-1', 'lic-9'] },
        context(),
      );
      expect(result.reasons).toEqual(['LICENSE_NOT_FOUND']);
    });

    it("rejects another account's license with LICENSE_NOT_OWNED", () => {
      const ctx = context({ licenseOwners: new Map([['lic-9', 'acc-2']]) });
      const result = evaluateEligibility(account(), { ...order, licenseIds: ['lic-9'] }, ctx);
      expect(result.reasons).toEqual(['LICENSE_NOT_OWNED']);
    });

    it('rejects a revoked license', () => {
      const licenses = account().licenses.map((l) =>
        l.licenseId === 'lic-2' ? { ...l, status: 'REVOKED' as const } : l,
      );
      expect(evaluateEligibility(account({ licenses }), order, context()).reasons).toEqual([
        'LICENSE_REVOKED',
      ]);
    });

    it('rejects a license whose contract ended before now', () => {
      const contracts = [
        { contractId: 'ctr-1', startsAt: '2024-01-01T00:00:00Z', endsAt: '2026-11-23T12:00:00Z' },
      ];
      expect(evaluateEligibility(account({ contracts }), order, context()).reasons).toEqual([
        'CONTRACT_EXPIRED',
      ]);
    });

    it('rejects a license that has itself expired, or whose contract is unknown', () => {
      const expired = account().licenses.map((l) => ({ ...l, status: 'EXPIRED' as const }));
      const orphan = account().licenses.map((l) => ({ ...l, contractId: 'ctr-gone' }));
      expect(evaluateEligibility(account({ licenses: expired }), order, context()).reasons).toEqual(
        ['CONTRACT_EXPIRED'],
      );
      expect(evaluateEligibility(account({ licenses: orphan }), order, context()).reasons).toEqual([
        'CONTRACT_EXPIRED',
      ]);
    });

    it('accepts licenses that are already active (reinstating them is a no-op)', () => {
      const licenses = account().licenses.map((l) => ({ ...l, status: 'ACTIVE' as const }));
      expect(evaluateEligibility(account({ licenses }), order, context()).reasons).toEqual([]);
    });
  });

  it('collects every reason, in the fixed order of the rules', () => {
    const broken = account({
      status: 'ACTIVE',
      region: 'BR',
      outstandingBalanceMinor: 500,
      holds: [hold('LEGAL'), hold('TECHNICAL_INTERRUPTION'), hold('BILLING_HOLD')],
      licenses: [
        {
          licenseId: 'lic-1',
          contractId: 'ctr-1',
          status: 'REVOKED',
          expiresAt: '2027-12-31T00:00:00Z',
        },
      ],
      contracts: [
        { contractId: 'ctr-1', startsAt: '2024-01-01T00:00:00Z', endsAt: '2025-01-01T00:00:00Z' },
      ],
    });
    const ctx = context({ hasOtherOpenCase: true, licenseOwners: new Map([['lic-7', 'acc-2']]) });
    const result = evaluateEligibility(
      broken,
      { ...order, licenseIds: ['lic-7', 'lic-1', 'lic-8'] },
      ctx,
    );
    expect(result.reasons).toEqual([
      'ACCOUNT_NOT_SUSPENDED',
      'REGION_UNSUPPORTED',
      'REACTIVATION_IN_PROGRESS',
      'HOLD_NOT_CLEARABLE',
      'TECHNICAL_ISSUE_UNRESOLVED',
      'OUTSTANDING_BALANCE',
      'LICENSE_NOT_OWNED',
      'LICENSE_REVOKED',
      'LICENSE_NOT_FOUND',
    ]);
  });

  it('lists the licenses a snapshot does not hold, once each', () => {
    expect(licensesNotOnAccount(account(), ['lic-1', 'lic-9', 'lic-9'])).toEqual(['lic-9']);
    expect(licensesNotOnAccount(null, ['lic-1'])).toEqual([]);
  });
});
