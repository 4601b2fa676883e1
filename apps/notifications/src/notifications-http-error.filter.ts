import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { NotificationsError, NotificationsErrorCode } from './notifications.error';

const STATUS: Record<NotificationsErrorCode, HttpStatus> = {
  REACTIVATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  ROSTER_EMPTY: HttpStatus.INTERNAL_SERVER_ERROR,
};

interface HttpResponse {
  status(code: number): { json(body: unknown): void };
}

/** Maps notifications' error codes to HTTP responses. */
@Catch(NotificationsError)
export class NotificationsHttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(NotificationsHttpErrorFilter.name);

  catch(error: NotificationsError, host: ArgumentsHost): void {
    const status = STATUS[error.code];
    if (Number(status) >= 500) this.logger.error(`${error.code}: ${error.message}`);
    host
      .switchToHttp()
      .getResponse<HttpResponse>()
      .status(status)
      .json({ statusCode: status, code: error.code, message: error.message });
  }
}
