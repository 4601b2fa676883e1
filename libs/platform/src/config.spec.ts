import { IsString } from 'class-validator';
import { ConfigError, loadConfig, Secret, ServiceEnvironment } from './config';

/** An app's environment with a secret of its own, as billing and notifications have. */
class AppEnvironment extends ServiceEnvironment {
  @Secret('dev-app-secret')
  @IsString()
  APP_SECRET!: string;
}

const DEFAULTS = { HTTP_PORT: '3001', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app' };
const SECRETS = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  API_TOKENS: 'Zk3q9v0AOw8mX1yR2uE5tNcH:ops,Jp4rLs8VbQe2WmYd6TgKa0Xz:metrics',
  APP_SECRET: 'a-secret-of-the-deployment',
  DEAD_LETTER_SEAL_SECRET: 'a-dead-letter-seal-secret-of-the-deployment',
};

function load(env: NodeJS.ProcessEnv): AppEnvironment {
  return loadConfig(AppEnvironment, DEFAULTS, env);
}

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfig: secrets', () => {
  it('gives the development secrets only to a run that says it is development', () => {
    const env = load({ POLY_ENV: 'development' });
    expect(env.APP_SECRET).toBe('dev-app-secret');
    expect(env.API_TOKENS).toBe('dev-ops-token:ops,dev-support-token:support');
    expect(env.PII_ENCRYPTION_KEY).toMatch(/=$/);
  });

  it('refuses to start without POLY_ENV when a secret is missing, naming each variable', () => {
    const message = refusal({});
    expect(message).toMatch(/PII_ENCRYPTION_KEY: required/);
    expect(message).toMatch(/API_TOKENS: required/);
    expect(message).toMatch(/APP_SECRET: required/);
  });

  it.each([
    ['PII_ENCRYPTION_KEY', 'ZGV2LW9ubHktcGlpLWtleS1jaGFuZ2UtbWUtMzJieXQ='],
    ['API_TOKENS', 'dev-ops-token:ops'],
    ['API_TOKENS', 'Zk3q9v0AOw8mX1yR2uE5tNcH:ops,dev-customer-token-acc-1:customer:acc-1'],
    ['API_TOKENS', 'test-ops-token:ops'],
    ['APP_SECRET', 'dev-app-secret'],
  ])('refuses %s set to a development value (%s) outside development', (name, value) => {
    const message = refusal({ ...SECRETS, POLY_ENV: 'production', [name]: value });
    expect(message).toMatch(new RegExp(`${name}: is a development value`));
    expect(message).not.toContain(value);
  });

  it('starts with secrets of its own outside development', () => {
    const env = load({ ...SECRETS });
    expect(env.POLY_ENV).toBe('production');
    expect(env.APP_SECRET).toBe(SECRETS.APP_SECRET);
  });

  it('refuses a run mode it does not know (no typo turns development on or off silently)', () => {
    expect(refusal({ ...SECRETS, POLY_ENV: 'dev' })).toMatch(/POLY_ENV must be one of/);
  });
});

describe('loadConfig: SASL is all three variables or none', () => {
  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-512' }, ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']],
    [{ KAFKA_SASL_USERNAME: 'billing', KAFKA_SASL_PASSWORD: 'pw' }, ['KAFKA_SASL_MECHANISM']],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'billing' }, ['KAFKA_SASL_PASSWORD']],
  ])('refuses %j naming what is missing', (sasl, missing) => {
    const message = refusal({ ...SECRETS, ...sasl });
    for (const name of missing) expect(message).toMatch(new RegExp(`${name}: required with`));
  });

  it('accepts all three, and none', () => {
    const sasl = {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'billing',
      KAFKA_SASL_PASSWORD: 'pw',
    };
    expect(load({ ...SECRETS, ...sasl }).KAFKA_SASL_USERNAME).toBe('billing');
    expect(load({ ...SECRETS }).KAFKA_SASL_MECHANISM).toBeUndefined();
  });
});

describe('loadConfig: listen address and numbers', () => {
  it('listens on the loopback interface unless HTTP_HOST says otherwise', () => {
    expect(load({ ...SECRETS }).HTTP_HOST).toBe('127.0.0.1');
    expect(load({ ...SECRETS, HTTP_HOST: '0.0.0.0' }).HTTP_HOST).toBe('0.0.0.0');
  });

  it('parses numbers once and refuses what is not one, naming the variable', () => {
    expect(load({ ...SECRETS, DATABASE_POOL_SIZE: '7' }).DATABASE_POOL_SIZE).toBe(7);
    expect(refusal({ ...SECRETS, DATABASE_POOL_SIZE: 'seven' })).toMatch(/DATABASE_POOL_SIZE:/);
  });
});
