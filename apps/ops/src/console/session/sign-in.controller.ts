import { Body, Controller, Get, Header, HttpCode, Post, Res } from '@nestjs/common';
import { ServiceApi, ServiceApiError } from '../../services/service-api';
import { ConsoleSettings } from '../console.settings';
import { html } from '../html/html';
import { notice, page } from '../html/layout';
import { ConsoleSession, SESSION_COOKIE, SessionStore } from './session.store';
import { ConsoleResponse, CurrentSession } from './console-request';
import { OpenPage } from './session.guard';

interface Me {
  role: string;
  tokenId: string;
  contactId?: string;
}

/**
 * Sign in with an API token: the services say whose it is (`GET /auth/me`); only support and ops
 * may use the console. The token stays on the server, the browser gets a session cookie.
 */
@Controller()
export class SignInController {
  constructor(
    private readonly sessions: SessionStore,
    private readonly settings: ConsoleSettings,
  ) {}

  @Get('sign-in')
  @OpenPage()
  @Header('content-type', 'text/html; charset=utf-8')
  form(): string {
    return signInPage();
  }

  @Post('sign-in')
  @OpenPage()
  @HttpCode(200)
  async signIn(@Body() body: { token?: unknown }, @Res() response: ConsoleResponse): Promise<void> {
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const refuse = (status: number, text: string) =>
      response.status(status).type('html').send(signInPage(text));
    if (!token || token.length > 512) return void refuse(400, 'Enter your API token.');
    let me: Me;
    try {
      me = await new ServiceApi(this.settings.serviceUrls, token).get<Me>(
        'notifications',
        '/auth/me',
      );
    } catch (error) {
      if (error instanceof ServiceApiError && error.status === 401)
        return void refuse(401, 'This token is not valid.');
      throw error;
    }
    if (me.role !== 'support' && me.role !== 'ops')
      return void refuse(403, 'This console is for support and ops: this token gets nothing here.');
    const session = this.sessions.open({
      token,
      role: me.role,
      tokenId: me.tokenId,
      ...(me.contactId ? { contactId: me.contactId } : {}),
    });
    response.cookie(SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.settings.secureCookie,
      path: '/',
    });
    response.redirect(303, '/sagas');
  }

  @Post('sign-out')
  signOut(@CurrentSession() session: ConsoleSession, @Res() response: ConsoleResponse): void {
    this.sessions.close(session.id);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.redirect(303, '/sign-in');
  }
}

function signInPage(problem?: string): string {
  return page(
    'Sign in',
    html`${notice(problem, 'error')}
      <p>
        Sign in with your API token (support or ops). In development: <code>dev-ops-token</code> or
        <code>dev-support-token</code>.
      </p>
      <form method="post" action="/sign-in">
        <label
          >API token <input type="password" name="token" autocomplete="current-password" required
        /></label>
        <button type="submit">Sign in</button>
      </form>`,
  );
}
