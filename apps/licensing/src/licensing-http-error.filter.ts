import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { LicensingError, LicensingErrorCode } from './licensing.error';

const STATUS: Record<LicensingErrorCode, HttpStatus> = {
  INVALID_ACCOUNT: HttpStatus.BAD_REQUEST,
  ACCOUNT_NOT_FOUND: HttpStatus.NOT_FOUND,
  REACTIVATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  LICENSE_OWNED_BY_ANOTHER_ACCOUNT: HttpStatus.CONFLICT,
  CONTRACT_OWNED_BY_ANOTHER_ACCOUNT: HttpStatus.CONFLICT,
  HOLD_OWNED_BY_ANOTHER_ACCOUNT: HttpStatus.CONFLICT,
  CONTRACT_TERMS_ALTERED: HttpStatus.INTERNAL_SERVER_ERROR,
  REGISTRY_INCONSISTENT: HttpStatus.INTERNAL_SERVER_ERROR,
};

interface HttpResponse {
  status(code: number): { json(body: unknown): void };
}

/**
 * Maps licensing's error codes to HTTP responses. A unique violation means a concurrent request
 * took the same id first (an import racing another account's import): a conflict, not a crash.
 */
@Catch(LicensingError, QueryFailedError)
export class LicensingHttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(LicensingHttpErrorFilter.name);

  catch(error: LicensingError | QueryFailedError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    if (error instanceof LicensingError) {
      const status = STATUS[error.code];
      if (Number(status) >= 500) this.logger.error(`${error.code}: ${error.message}`);
      response
        .status(status)
        .json({ statusCode: status, code: error.code, message: error.reasons });
      return;
    }
    const sqlState = (error.driverError as { code?: string } | undefined)?.code;
    if (sqlState === '23505') {
      response.status(HttpStatus.CONFLICT).json({
        statusCode: HttpStatus.CONFLICT,
        code: 'ID_TAKEN',
        message: ['an id in this request was taken concurrently by another account; retry'],
      });
      return;
    }
    this.logger.error(`database error: ${error.message}`);
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'internal error' });
  }
}
