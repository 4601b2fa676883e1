import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';

/** `metrics` may only scrape /metrics (a Prometheus scrape token that can read nothing else). */
export type Role = 'customer' | 'support' | 'ops' | 'metrics';

/** Who is calling: a role, and for a customer the account they may see. */
export interface Principal {
  role: Role;
  accountId?: string;
  /** A support token may name its holder's roster contact (their own cases come first). */
  contactId?: string;
  /**
   * Names the token in audit records without revealing it: the first 12 hex digits of its
   * SHA-256 (tokens are long random strings, so this cannot be turned back into the token).
   */
  tokenId: string;
}

/** What an audit record names as the actor of an action: role and token id. */
export function actorOf(principal: Principal): string {
  return `${principal.role}:${principal.tokenId}`;
}

export function tokenIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

const ROLES_KEY = 'reactivation:roles';
const PUBLIC_KEY = 'reactivation:public';

/** Roles allowed on a route or controller (ops may always act). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A route anyone may call (health, the customer status page by its secret link). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);

/**
 * Parses `API_TOKENS`: comma-separated `token:role`, `token:customer:<accountId>` or
 * `token:support:<contactId>` entries. Tokens are opaque bearer credentials handed out by whoever
 * runs the system.
 */
export function parseApiTokens(spec: string): Map<string, Principal> {
  const tokens = new Map<string, Principal>();
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [token, role, subject] = entry.split(':');
    if (!token || !['customer', 'support', 'ops', 'metrics'].includes(role)) {
      throw new Error(`API_TOKENS entry "${entry.split(':')[0]}:…" is not token:role[:accountId]`);
    }
    if (role === 'customer' && !subject) throw new Error('a customer token needs its accountId');
    tokens.set(token, {
      role: role as Role,
      tokenId: tokenIdOf(token),
      ...(role === 'customer' ? { accountId: subject } : {}),
      ...(role === 'support' && subject ? { contactId: subject } : {}),
    });
  }
  return tokens;
}

@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: Map<string, Principal>,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | undefined>;
      principal?: Principal;
    }>();
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    const principal = presented ? this.lookup(presented) : undefined;
    if (!principal) throw new UnauthorizedException('a valid bearer token is required');
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? ['ops'];
    if (principal.role !== 'ops' && !allowed.includes(principal.role)) {
      throw new ForbiddenException(`role ${principal.role} may not do this`);
    }
    request.principal = principal;
    return true;
  }

  private lookup(presented: string): Principal | undefined {
    const given = Buffer.from(presented);
    for (const [token, principal] of this.tokens) {
      const known = Buffer.from(token);
      if (known.length === given.length && timingSafeEqual(known, given)) return principal;
    }
    return undefined;
  }
}

/**
 * The one account a caller may read, or undefined for support and ops (all accounts). A read
 * limited to it answers "not found" for another account's data, exactly as for data that does not
 * exist, so a customer cannot learn which ids exist.
 */
export function readableAccountOf(principal: Principal): string | undefined {
  return principal.role === 'customer' ? principal.accountId : undefined;
}

/** A customer may only act for their own account; support and ops for all. */
export function assertMayAccessAccount(principal: Principal, accountId: string): void {
  if (principal.role === 'customer' && principal.accountId !== accountId) {
    throw new ForbiddenException('this order belongs to another account');
  }
}
