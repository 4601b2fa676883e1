import { AccountImport, importProblems } from './account-import.rules';

const valid: AccountImport = {
  holds: [
    { holdId: 'h-1', category: 'BILLING_HOLD' },
    { holdId: 'h-2', category: 'TECHNICAL_INTERRUPTION', incidentResolved: true },
    { holdId: 'h-3', category: 'COMPLIANCE_HOLD', requiredDocuments: ['ID'] },
  ],
  contracts: [
    {
      contractId: 'c-1',
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2027-01-01T00:00:00Z',
      entitlements: [{ code: 'AUDIO' }, { code: 'VIDEO' }],
    },
  ],
  licenses: [
    {
      licenseId: 'l-1',
      contractId: 'c-1',
      status: 'SUSPENDED',
      suspendedAt: '2026-10-01T00:00:00Z',
    },
  ],
};

describe('importProblems', () => {
  it('accepts a consistent account', () => {
    expect(importProblems(valid)).toEqual([]);
  });

  it('lists every problem at once', () => {
    const problems = importProblems({
      holds: [...valid.holds, { holdId: 'h-1', category: 'FRAUD', incidentResolved: false }],
      contracts: [
        {
          ...valid.contracts[0],
          endsAt: '2025-01-01T00:00:00Z',
          entitlements: [{ code: 'A' }, { code: 'A' }],
        },
      ],
      licenses: [
        ...valid.licenses,
        {
          licenseId: 'l-2',
          contractId: 'c-9',
          status: 'ACTIVE',
          suspendedAt: '2026-10-01T00:00:00Z',
        },
      ],
    });
    expect(problems).toEqual([
      'hold h-1 is listed twice',
      'contract c-1 must end after it starts',
      'contract c-1 grants entitlement A twice',
      'license l-2 refers to contract c-9, not in this account',
      'license l-2 has suspendedAt but is ACTIVE',
      'hold h-1: incidentResolved applies to TECHNICAL_INTERRUPTION holds only',
    ]);
  });
});
