import { randomBytes } from 'node:crypto';

/** A signed-in person: their API token (kept server-side only), its role, and a CSRF secret. */
export interface ConsoleSession {
  id: string;
  token: string;
  role: 'support' | 'ops';
  tokenId: string;
  contactId?: string;
  csrf: string;
  expiresAt: number;
}

/** How long a sign-in lasts (a work day); after that, sign in again. */
const SESSION_TTL_MS = 8 * 3600 * 1000;

/**
 * Sessions in memory: the browser holds only a random session id (HttpOnly, SameSite=Strict
 * cookie), never the token. A restart of the console signs everybody out, which is acceptable for
 * an internal tool and keeps tokens out of any store.
 */
export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(private readonly now: () => number = Date.now) {}

  open(principal: Omit<ConsoleSession, 'id' | 'csrf' | 'expiresAt'>): ConsoleSession {
    this.sweep();
    const session: ConsoleSession = {
      ...principal,
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: this.now() + SESSION_TTL_MS,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  find(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions)
      if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

export const SESSION_COOKIE = 'console_session';

/** The value of one cookie in a Cookie header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
