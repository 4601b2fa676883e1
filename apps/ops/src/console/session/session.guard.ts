import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { ConsoleRequest } from './console-request';
import { cookieOf, SESSION_COOKIE, SessionStore } from './session.store';

const OPEN_KEY = 'console:open';
/** A page anyone may see: the sign-in form, the stylesheet. */
export const OpenPage = () => SetMetadata(OPEN_KEY, true);

/** Thrown when nobody is signed in: the error filter sends the browser to the sign-in page. */
export class SignInRequired extends Error {}

/**
 * Every page needs a signed-in session; every POST also carries the session's CSRF secret in its
 * form (on top of the SameSite=Strict cookie), so no other site can act in someone's name.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionStore,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (
      this.reflector.getAllAndOverride<boolean>(OPEN_KEY, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      return true;
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const session = this.sessions.find(cookieOf(request.headers.cookie, SESSION_COOKIE));
    if (!session) throw new SignInRequired();
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const presented = request.body?.csrf;
      if (typeof presented !== 'string' || !sameSecret(presented, session.csrf))
        throw new ForbiddenException(
          'this form is out of date or came from elsewhere: reload the page',
        );
    }
    request.session = session;
    return true;
  }
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
