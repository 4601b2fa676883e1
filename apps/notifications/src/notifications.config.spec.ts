import { ConfigError } from '@app/platform';
import { EMAIL_CLAIM_BATCH, loadNotificationsConfig, smtpTimeoutMs } from './notifications.config';

const OWN_SECRETS = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
  API_TOKENS: 'Zk3q9v0AOw8mX1yR2uE5tNcH:ops',
  STATUS_PAGE_SECRET: 'a-status-page-secret-of-the-deployment',
  DEAD_LETTER_SEAL_SECRET: 'a-dead-letter-seal-secret-of-the-deployment',
};

describe('notifications configuration', () => {
  it('refuses to start outside development without the status page secret', () => {
    const { STATUS_PAGE_SECRET: _, ...rest } = OWN_SECRETS;
    expect(() => loadNotificationsConfig(rest)).toThrow(/STATUS_PAGE_SECRET: required/);
  });

  it('refuses the development status page secret and PII key outside development', () => {
    expect(() =>
      loadNotificationsConfig({
        ...OWN_SECRETS,
        STATUS_PAGE_SECRET: 'dev-status-page-secret-change-me',
        PII_ENCRYPTION_KEY: 'ZGV2LW9ubHktcGlpLWtleS1jaGFuZ2UtbWUtMzJieXQ=',
      }),
    ).toThrow(
      /STATUS_PAGE_SECRET: is a development value[\s\S]*PII_ENCRYPTION_KEY|PII_ENCRYPTION_KEY: is a development value[\s\S]*STATUS_PAGE_SECRET/,
    );
  });

  it('starts with secrets of its own', () => {
    expect(loadNotificationsConfig(OWN_SECRETS).STATUS_PAGE_SECRET).toBe(
      OWN_SECRETS.STATUS_PAGE_SECRET,
    );
  });
});

describe('notifications configuration: SMTP timeouts below the email lease', () => {
  it('gives up on SMTP after 30 s by default, well inside the 120 s lease', () => {
    expect(smtpTimeoutMs(loadNotificationsConfig(OWN_SECRETS))).toBe(30_000);
  });

  it('halves a lease shorter than a minute', () => {
    expect(
      smtpTimeoutMs(loadNotificationsConfig({ ...OWN_SECRETS, EMAIL_CLAIM_TIMEOUT_MS: '2000' })),
    ).toBe(1000);
  });

  it('refuses to start with an SMTP timeout not below the lease', () => {
    expect(() =>
      loadNotificationsConfig({
        ...OWN_SECRETS,
        EMAIL_CLAIM_TIMEOUT_MS: '5000',
        EMAIL_SMTP_TIMEOUT_MS: '5000',
      }),
    ).toThrow(ConfigError);
    expect(
      smtpTimeoutMs(
        loadNotificationsConfig({
          ...OWN_SECRETS,
          EMAIL_CLAIM_TIMEOUT_MS: '5000',
          EMAIL_SMTP_TIMEOUT_MS: '4000',
        }),
      ),
    ).toBe(4000);
  });
});

describe('notifications configuration: the emails sent and not recorded', () => {
  it('lets 48 out by default, and at most what one claim takes', () => {
    expect(loadNotificationsConfig(OWN_SECRETS).EMAIL_WAVE_SIZE).toBe(48);
    expect(loadNotificationsConfig({ ...OWN_SECRETS, EMAIL_WAVE_SIZE: '3' }).EMAIL_WAVE_SIZE).toBe(
      3,
    );
    expect(() =>
      loadNotificationsConfig({ ...OWN_SECRETS, EMAIL_WAVE_SIZE: String(EMAIL_CLAIM_BATCH + 1) }),
    ).toThrow(/EMAIL_WAVE_SIZE/);
    expect(() => loadNotificationsConfig({ ...OWN_SECRETS, EMAIL_WAVE_SIZE: '0' })).toThrow(
      /EMAIL_WAVE_SIZE/,
    );
  });
  it('lets a record wait 100 ms for more emails by default, 0 to write each at once', () => {
    expect(loadNotificationsConfig(OWN_SECRETS).EMAIL_RECORD_LINGER_MS).toBe(100);
    expect(
      loadNotificationsConfig({ ...OWN_SECRETS, EMAIL_RECORD_LINGER_MS: '0' })
        .EMAIL_RECORD_LINGER_MS,
    ).toBe(0);
    for (const bad of ['-1', '5001', 'soon']) {
      expect(() =>
        loadNotificationsConfig({ ...OWN_SECRETS, EMAIL_RECORD_LINGER_MS: bad }),
      ).toThrow(/EMAIL_RECORD_LINGER_MS/);
    }
  });
});
