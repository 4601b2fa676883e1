import { cookieOf, SessionStore } from './session.store';

describe('SessionStore', () => {
  const principal = { token: 'secret-token', role: 'ops' as const, tokenId: 'abc' };

  it('finds a session by its random id until it expires', () => {
    let now = 1_000;
    const store = new SessionStore(() => now);
    const session = store.open(principal);
    expect(session.id).not.toContain('secret-token');
    expect(session.csrf).not.toBe(session.id);
    expect(store.find(session.id)?.token).toBe('secret-token');
    expect(store.find('another-id')).toBeUndefined();
    now += 8 * 3600 * 1000;
    expect(store.find(session.id)).toBeUndefined();
  });

  it('forgets a closed session', () => {
    const store = new SessionStore();
    const session = store.open(principal);
    store.close(session.id);
    expect(store.find(session.id)).toBeUndefined();
  });
});

describe('cookieOf', () => {
  it('reads one cookie among others', () => {
    expect(cookieOf('a=1; console_session=xyz; b=2', 'console_session')).toBe('xyz');
    expect(cookieOf('console_session_other=1', 'console_session')).toBeUndefined();
    expect(cookieOf(undefined, 'console_session')).toBeUndefined();
  });
});
