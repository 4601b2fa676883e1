import {
  ContractFacts,
  decideReinstatement,
  HoldFacts,
  LicenseFacts,
  ReinstatementFacts,
} from './reinstatement.decision';

const DAY = 86_400_000;
const now = new Date();
const future = new Date(now.getTime() + 365 * DAY);
const past = new Date(now.getTime() - 30 * DAY);

const contract: ContractFacts = {
  contractId: 'c-1',
  endsAt: future,
  entitlements: [
    { code: 'VIDEO', name: 'Video meetings' },
    { code: 'AUDIO', name: 'Audio conferencing' },
  ],
  termsChanged: false,
};

function license(licenseId: string, change: Partial<LicenseFacts> = {}): LicenseFacts {
  return {
    licenseId,
    accountId: 'acc-1',
    contractId: 'c-1',
    product: 'Poly Lens',
    status: 'SUSPENDED',
    expiresAt: future,
    ...change,
  };
}

function hold(holdId: string, change: Partial<HoldFacts> = {}): HoldFacts {
  return {
    holdId,
    category: 'BILLING_HOLD',
    state: 'ACTIVE',
    incidentResolved: null,
    ...change,
  };
}

function facts(change: Partial<ReinstatementFacts>): ReinstatementFacts {
  return {
    accountId: 'acc-1',
    account: { status: 'SUSPENDED', outstandingBalanceMinor: 0 },
    holds: [hold('h-1')],
    holdIds: ['h-1'],
    licenseIds: ['l-1', 'l-2'],
    licenses: [license('l-1'), license('l-2')],
    contracts: [contract],
    now,
    ...change,
  };
}

describe('decideReinstatement', () => {
  it('reinstates every suspended license with exactly the entitlements its contract grants, clearing the named holds', () => {
    const decision = decideReinstatement(facts({}));
    expect(decision.kind).toBe('RESTORE');
    if (decision.kind !== 'RESTORE') return;
    expect(decision.steps.map((s) => [s.outcome, s.license.licenseId])).toEqual([
      ['REINSTATE', 'l-1'],
      ['REINSTATE', 'l-2'],
    ]);
    expect(decision.steps[0].entitlements).toEqual([
      { code: 'AUDIO', name: 'Audio conferencing' },
      { code: 'VIDEO', name: 'Video meetings' },
    ]);
    expect(decision.clearHoldIds).toEqual(['h-1']);
  });

  it('treats an already active license as a no-op, not an error', () => {
    const decision = decideReinstatement(
      facts({ licenses: [license('l-1', { status: 'ACTIVE' }), license('l-2')] }),
    );
    expect(decision.kind).toBe('RESTORE');
    if (decision.kind !== 'RESTORE') return;
    expect(decision.steps.map((s) => s.outcome)).toEqual(['ALREADY_ACTIVE', 'REINSTATE']);
  });

  it('clears only the named holds that are still active (one cleared meanwhile is no reason)', () => {
    const decision = decideReinstatement(
      facts({
        holds: [hold('h-1', { state: 'CLEARED' }), hold('h-2', { category: 'COMPLIANCE_HOLD' })],
        holdIds: ['h-1', 'h-2', 'h-gone'],
      }),
    );
    expect(decision).toMatchObject({ kind: 'RESTORE', clearHoldIds: ['h-2'] });
  });

  it.each([
    ['missing', [license('l-1')], 'LICENSE_NOT_FOUND'],
    [
      'owned by another account',
      [license('l-1'), license('l-2', { accountId: 'acc-2' })],
      'LICENSE_NOT_OWNED',
    ],
    ['revoked', [license('l-1'), license('l-2', { status: 'REVOKED' })], 'LICENSE_REVOKED'],
    ['expired', [license('l-1'), license('l-2', { status: 'EXPIRED' })], 'CONTRACT_EXPIRED'],
    [
      'past its expiry date',
      [license('l-1'), license('l-2', { expiresAt: past })],
      'CONTRACT_EXPIRED',
    ],
  ] as const)('fails the whole case when a license is %s', (_what, licenses, reason) => {
    const decision = decideReinstatement(facts({ licenses: [...licenses] }));
    expect(decision).toEqual({ kind: 'FAIL', reasons: [reason] });
  });

  it('fails when the contract has ended', () => {
    const decision = decideReinstatement(facts({ contracts: [{ ...contract, endsAt: past }] }));
    expect(decision).toEqual({ kind: 'FAIL', reasons: ['CONTRACT_EXPIRED'] });
  });

  it('fails when the contract terms no longer match their fingerprint', () => {
    const decision = decideReinstatement(
      facts({ contracts: [{ ...contract, termsChanged: true }] }),
    );
    expect(decision).toEqual({ kind: 'FAIL', reasons: ['CONTRACT_TERMS_CHANGED'] });
  });

  it.each([
    [
      'a FRAUD hold, even one eligibility named',
      [hold('h-1'), hold('h-f', { category: 'FRAUD' })],
      ['h-1', 'h-f'],
      0,
      'HOLD_NOT_CLEARABLE',
    ],
    [
      'a LEGAL hold',
      [hold('h-1'), hold('h-l', { category: 'LEGAL' })],
      ['h-1', 'h-l'],
      0,
      'HOLD_NOT_CLEARABLE',
    ],
    [
      'a hold added after eligibility verified',
      [hold('h-1'), hold('h-new')],
      ['h-1'],
      0,
      'HOLD_NOT_CLEARABLE',
    ],
    [
      'a billing hold with a balance now outstanding',
      [hold('h-1')],
      ['h-1'],
      1200,
      'OUTSTANDING_BALANCE',
    ],
    [
      'a technical interruption whose incident is open again',
      [hold('h-1'), hold('h-t', { category: 'TECHNICAL_INTERRUPTION', incidentResolved: false })],
      ['h-1', 'h-t'],
      0,
      'TECHNICAL_ISSUE_UNRESOLVED',
    ],
  ] as const)('fails on %s', (_what, holds, holdIds, balance, reason) => {
    const decision = decideReinstatement(
      facts({
        holds: [...holds],
        holdIds: [...holdIds],
        account: { status: 'SUSPENDED', outstandingBalanceMinor: balance },
      }),
    );
    expect(decision).toEqual({ kind: 'FAIL', reasons: [reason] });
  });

  it('reports every reason found, each once, in rule order', () => {
    const decision = decideReinstatement(
      facts({
        holds: [
          hold('h-1'),
          hold('h-f', { category: 'FRAUD' }),
          hold('h-l', { category: 'LEGAL' }),
        ],
        licenses: [license('l-1', { status: 'REVOKED' }), license('l-2', { accountId: 'acc-2' })],
      }),
    );
    expect(decision).toEqual({
      kind: 'FAIL',
      reasons: ['HOLD_NOT_CLEARABLE', 'LICENSE_REVOKED', 'LICENSE_NOT_OWNED'],
    });
  });

  it.each([
    [
      'terminated',
      { status: 'TERMINATED' as const, outstandingBalanceMinor: 0 },
      'ACCOUNT_TERMINATED',
    ],
    [
      'already active',
      { status: 'ACTIVE' as const, outstandingBalanceMinor: 0 },
      'ACCOUNT_NOT_SUSPENDED',
    ],
    ['gone from the registry', null, 'ACCOUNT_NOT_FOUND'],
  ] as const)('reinstates nothing on an account %s', (_what, account, reason) => {
    expect(decideReinstatement(facts({ account }))).toEqual({ kind: 'FAIL', reasons: [reason] });
  });

  it('handles a license listed twice once', () => {
    const decision = decideReinstatement(facts({ licenseIds: ['l-1', 'l-1'] }));
    expect(decision.kind === 'RESTORE' && decision.steps.length).toBe(1);
  });
});
