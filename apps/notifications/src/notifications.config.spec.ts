import { loadNotificationsConfig } from './notifications.config';

const OWN_SECRETS = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
  API_TOKENS: 'Zk3q9v0AOw8mX1yR2uE5tNcH:ops',
  STATUS_PAGE_SECRET: 'a-status-page-secret-of-the-deployment',
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
