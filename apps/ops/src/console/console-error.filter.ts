import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { OpsError } from '../cli/ops-error';
import { ServiceApiError } from '../services/service-api';
import { html } from './html/html';
import { page } from './html/layout';
import { ConsoleRequest, ConsoleResponse } from './session/console-request';
import { SignInRequired } from './session/session.guard';

/**
 * Every failure as a page a person can act on: sign in again, a role that may not, a service or
 * the broker unreachable. Nothing of a token or of personal data is shown or logged.
 */
@Catch()
export class ConsoleErrorFilter implements ExceptionFilter {
  constructor(private readonly log: (line: string) => void) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<ConsoleResponse>();
    const request = http.getRequest<ConsoleRequest>();
    if (
      error instanceof SignInRequired ||
      (error instanceof ServiceApiError && error.status === 401)
    ) {
      response.redirect(303, '/sign-in');
      return;
    }
    const [status, title, detail] = this.describe(error);
    if (status >= 500) {
      this.log(
        `console: ${request.method} ${request.originalUrl.split('?')[0]} failed: ${error instanceof Error ? (error.stack ?? error.name) : String(error)}`,
      );
    }
    response
      .status(status)
      .type('html')
      .send(
        page(
          title,
          html`<p class="notice error">${detail}</p>
            <p><a href="/sagas">Back to the sagas</a></p>`,
          request.session,
        ),
      );
  }

  private describe(error: unknown): [number, string, string] {
    if (error instanceof ServiceApiError) {
      if (error.status === 403) return [403, 'Not allowed', `${error.service}: ${error.message}`];
      if (error.status === 404) return [404, 'Not found', `${error.service}: ${error.message}`];
      if (error.status === 0) return [502, 'Service unreachable', error.message];
      return [502, 'Service error', `${error.service} answered ${error.status} ${error.code}`];
    }
    if (error instanceof OpsError)
      return [503, 'Broker problem', `${error.message} → ${error.hint}`];
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return [status, status === 403 ? 'Not allowed' : 'Cannot do this', error.message];
    }
    return [500, 'Unexpected failure', 'Something failed; the console log says what.'];
  }
}
