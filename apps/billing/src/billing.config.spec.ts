import { loadBillingConfig } from './billing.config';

const OWN_SECRETS = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
  API_TOKENS: 'Zk3q9v0AOw8mX1yR2uE5tNcH:ops',
  UPSTREAM_SIGNING_SECRET: 'an-upstream-secret-of-the-deployment',
  DEAD_LETTER_SEAL_SECRET: 'a-dead-letter-seal-secret-of-the-deployment',
};

describe('billing configuration', () => {
  it('refuses to start outside development without the upstream signing secret', () => {
    const { UPSTREAM_SIGNING_SECRET: _, ...rest } = OWN_SECRETS;
    expect(() => loadBillingConfig(rest)).toThrow(/UPSTREAM_SIGNING_SECRET: required/);
  });

  it.each(['dev-upstream-secret', 'test-upstream-secret'])(
    'refuses the signing secret %s (written in this repository) outside development',
    (value) => {
      expect(() => loadBillingConfig({ ...OWN_SECRETS, UPSTREAM_SIGNING_SECRET: value })).toThrow(
        /UPSTREAM_SIGNING_SECRET: is a development value/,
      );
    },
  );

  it('uses the development secrets when the run says it is development', () => {
    expect(loadBillingConfig({ POLY_ENV: 'development' }).UPSTREAM_SIGNING_SECRET).toBe(
      'dev-upstream-secret',
    );
    expect(loadBillingConfig(OWN_SECRETS).UPSTREAM_SIGNING_SECRET).toBe(
      OWN_SECRETS.UPSTREAM_SIGNING_SECRET,
    );
  });
});
