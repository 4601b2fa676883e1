import {
  canonicalJson,
  ContractTerms,
  contractTermsFingerprint,
} from './contract-terms.fingerprint';

const terms: ContractTerms = {
  contractId: 'c-1',
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: '2027-01-01T00:00:00.000Z',
  renewalTerms: 'AUTO_RENEW_12M',
  entitlements: [
    { code: 'VIDEO', name: 'Video meetings' },
    { code: 'AUDIO', name: 'Audio conferencing' },
  ],
};

describe('contractTermsFingerprint', () => {
  it('is a SHA-256 hex digest', () => {
    expect(contractTermsFingerprint(terms)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order or entitlement order', () => {
    const reordered = {
      entitlements: [
        { name: 'Audio conferencing', code: 'AUDIO' },
        { name: 'Video meetings', code: 'VIDEO' },
      ],
      renewalTerms: 'AUTO_RENEW_12M',
      endsAt: '2027-01-01T00:00:00.000Z',
      startsAt: '2026-01-01T00:00:00.000Z',
      contractId: 'c-1',
    };
    expect(contractTermsFingerprint(reordered)).toBe(contractTermsFingerprint(terms));
  });

  it.each<[string, Partial<ContractTerms>]>([
    ['contract id', { contractId: 'c-2' }],
    ['start date', { startsAt: '2026-01-02T00:00:00.000Z' }],
    ['end date', { endsAt: '2027-01-01T00:00:00.001Z' }],
    ['renewal terms', { renewalTerms: 'NO_RENEWAL' }],
    ['an entitlement removed', { entitlements: [{ code: 'AUDIO', name: 'Audio conferencing' }] }],
    [
      'an entitlement renamed',
      {
        entitlements: [
          { code: 'AUDIO', name: 'Audio' },
          { code: 'VIDEO', name: 'Video meetings' },
        ],
      },
    ],
    [
      'an entitlement added',
      { entitlements: [...terms.entitlements, { code: 'CHAT', name: 'Team chat' }] },
    ],
  ])('changes when the %s changes', (_what, change) => {
    expect(contractTermsFingerprint({ ...terms, ...change })).not.toBe(
      contractTermsFingerprint(terms),
    );
  });

  it('ignores properties outside the baseline terms', () => {
    const withExtra = { ...terms, status: 'ACTIVE' } as ContractTerms;
    expect(contractTermsFingerprint(withExtra)).toBe(contractTermsFingerprint(terms));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }, 3], a: null })).toBe(
      '{"a":null,"b":[{"c":2,"d":1},3]}',
    );
  });
});
