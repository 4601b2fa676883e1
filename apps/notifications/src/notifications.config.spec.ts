import { ConfigError } from '@app/platform';
import { loadNotificationsConfig, smtpTimeoutMs } from './notifications.config';

describe('notifications configuration: SMTP timeouts below the email lease', () => {
  it('gives up on SMTP after 30 s by default, well inside the 120 s lease', () => {
    expect(smtpTimeoutMs(loadNotificationsConfig({}))).toBe(30_000);
  });

  it('halves a lease shorter than a minute', () => {
    expect(smtpTimeoutMs(loadNotificationsConfig({ EMAIL_CLAIM_TIMEOUT_MS: '2000' }))).toBe(1000);
  });

  it('refuses to start with an SMTP timeout not below the lease', () => {
    expect(() =>
      loadNotificationsConfig({ EMAIL_CLAIM_TIMEOUT_MS: '5000', EMAIL_SMTP_TIMEOUT_MS: '5000' }),
    ).toThrow(ConfigError);
    expect(
      smtpTimeoutMs(
        loadNotificationsConfig({ EMAIL_CLAIM_TIMEOUT_MS: '5000', EMAIL_SMTP_TIMEOUT_MS: '4000' }),
      ),
    ).toBe(4000);
  });
});
