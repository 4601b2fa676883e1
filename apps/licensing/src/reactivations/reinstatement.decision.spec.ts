import {
  ContractFacts,
  decideReinstatement,
  LicenseFacts,
  ReinstatementFacts,
} from './reinstatement.decision';

const now = new Date('2026-11-23T12:00:00.000Z');
const future = new Date('2027-06-30T00:00:00.000Z');
const past = new Date('2026-10-01T00:00:00.000Z');

const contract: ContractFacts = {
  contractId: 'c-1',
  endsAt: future,
  entitlements: [
    { code: 'VIDEO', name: 'Video meetings' },
    { code: 'AUDIO', name: 'Audio conferencing' },
  ],
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

function facts(change: Partial<ReinstatementFacts>): ReinstatementFacts {
  return {
    accountId: 'acc-1',
    accountStatus: 'SUSPENDED',
    licenseIds: ['l-1', 'l-2'],
    licenses: [license('l-1'), license('l-2')],
    contracts: [contract],
    now,
    ...change,
  };
}

describe('decideReinstatement', () => {
  it('reinstates every suspended license with exactly the entitlements its contract grants', () => {
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
  });

  it('treats an already active license as a no-op, not an error', () => {
    const decision = decideReinstatement(
      facts({ licenses: [license('l-1', { status: 'ACTIVE' }), license('l-2')] }),
    );
    expect(decision.kind).toBe('RESTORE');
    if (decision.kind !== 'RESTORE') return;
    expect(decision.steps.map((s) => s.outcome)).toEqual(['ALREADY_ACTIVE', 'REINSTATE']);
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
    expect(decision).toMatchObject({ kind: 'FAIL', reasons: [reason] });
  });

  it('fails when the contract has ended', () => {
    const decision = decideReinstatement(facts({ contracts: [{ ...contract, endsAt: past }] }));
    expect(decision).toMatchObject({ kind: 'FAIL', reasons: ['CONTRACT_EXPIRED'] });
  });

  it('compensates exactly the licenses switched on before the first failure', () => {
    const decision = decideReinstatement(
      facts({
        licenseIds: ['l-1', 'l-2', 'l-3', 'l-4', 'l-5'],
        licenses: [
          license('l-1'),
          license('l-2', { status: 'ACTIVE' }),
          license('l-3'),
          license('l-4', { status: 'REVOKED' }),
          license('l-5', { accountId: 'acc-2' }),
        ],
      }),
    );
    expect(decision.kind).toBe('FAIL');
    if (decision.kind !== 'FAIL') return;
    // l-2 was active before the case: it is left alone, not re-suspended.
    expect(decision.switchedOnBeforeFailure.map((s) => s.license.licenseId)).toEqual([
      'l-1',
      'l-3',
    ]);
    expect(decision.reasons).toEqual(['LICENSE_REVOKED', 'LICENSE_NOT_OWNED']);
  });

  it('compensates nothing when the first license fails', () => {
    const decision = decideReinstatement(
      facts({ licenses: [license('l-1', { status: 'REVOKED' }), license('l-2')] }),
    );
    expect(decision).toMatchObject({
      kind: 'FAIL',
      switchedOnBeforeFailure: [],
      reasons: ['LICENSE_REVOKED'],
    });
  });

  it('reinstates nothing on a terminated or vanished account', () => {
    expect(decideReinstatement(facts({ accountStatus: 'TERMINATED' }))).toMatchObject({
      kind: 'FAIL',
      reasons: ['ACCOUNT_TERMINATED'],
      switchedOnBeforeFailure: [],
    });
    expect(decideReinstatement(facts({ accountStatus: null }))).toMatchObject({
      kind: 'FAIL',
      reasons: ['ACCOUNT_NOT_FOUND'],
    });
  });

  it('handles a license listed twice once', () => {
    const decision = decideReinstatement(facts({ licenseIds: ['l-1', 'l-1'] }));
    expect(decision.kind === 'RESTORE' && decision.steps.length).toBe(1);
  });
});
