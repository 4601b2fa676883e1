import { CodedError } from '@app/messaging';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

/**
 * The one body of every HTTP error of every service. `code` is stable (clients branch on it);
 * `message` is for people; `details` carries facts a client may act on (the problems found in a
 * request, the documents still missing).
 */
export interface HttpErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A service's domain codes and the HTTP status each becomes (unlisted codes: 422). */
export type HttpStatusOfCode = Readonly<Record<string, HttpStatus>>;

/** Codes of the failures the HTTP edge itself finds, before any use case runs. */
const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
};

/**
 * body-parser's failures other than malformed JSON reach the filter as plain errors with a `type`
 * (Nest turns malformed JSON into a BadRequestException itself: 400 BAD_REQUEST).
 */
const CODE_OF_BODY_ERROR: Readonly<Record<string, string>> = {
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
};

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

function codeOfStatus(status: number): string {
  return CODE_OF_STATUS[status] ?? `HTTP_${status}`;
}

function fromHttpException(error: HttpException): HttpErrorBody {
  const statusCode = error.getStatus();
  const response = error.getResponse();
  const given = typeof response === 'object' && response !== null ? response : {};
  const raw = (given as { message?: unknown }).message ?? error.message;
  const code = (given as { code?: unknown }).code;
  if (Array.isArray(raw)) {
    // ValidationPipe: every problem of the request, listed.
    const problems = raw.map(String);
    return {
      statusCode,
      code: typeof code === 'string' ? code : 'VALIDATION_FAILED',
      message: problems.join('; '),
      details: { problems },
    };
  }
  return {
    statusCode,
    code: typeof code === 'string' ? code : codeOfStatus(statusCode),
    message: typeof raw === 'string' ? raw : error.message,
  };
}

function bodyParserFailure(error: unknown): HttpErrorBody | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status } = error as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status > 499)
    return undefined;
  return {
    statusCode: status,
    code: CODE_OF_BODY_ERROR[type] ?? codeOfStatus(status),
    message:
      type === 'entity.too.large'
        ? 'the request body is larger than this service accepts'
        : 'the request body cannot be read',
  };
}

/** SQLSTATEs an HTTP request can cause that are the caller's to fix, not the service's. */
function databaseFailure(error: QueryFailedError<Error>): HttpErrorBody | undefined {
  const sqlState = (error.driverError as { code?: string } | undefined)?.code;
  if (sqlState === '23505')
    return {
      statusCode: HttpStatus.CONFLICT,
      code: 'ID_TAKEN',
      message: 'an id in this request was taken concurrently by another request; retry',
    };
  if (sqlState === '22P02' || sqlState === '22003' || sqlState === '22001')
    return {
      statusCode: HttpStatus.BAD_REQUEST,
      code: 'VALIDATION_FAILED',
      message: 'a value in this request is out of range or malformed',
    };
  return undefined;
}

/**
 * Every HTTP error of every service, one shape: domain errors by their code (each service says
 * which status each of its codes is), the edge's own (401, 403, 404, 413, validation) by status,
 * anything else a 500 that says nothing of the cause (the log does).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  constructor(private readonly statusOf: HttpStatusOfCode = {}) {}

  describe(error: unknown): HttpErrorBody {
    if (error instanceof HttpException) return fromHttpException(error);
    if (error instanceof CodedError && !error.transient) {
      const statusCode = this.statusOf[error.code] ?? HttpStatus.UNPROCESSABLE_ENTITY;
      const details = (error as { details?: unknown }).details;
      return {
        statusCode,
        code: error.code,
        message: error.message,
        ...(details && typeof details === 'object' && Object.keys(details).length > 0
          ? { details: details as Record<string, unknown> }
          : {}),
      };
    }
    const known =
      bodyParserFailure(error) ??
      (error instanceof QueryFailedError
        ? databaseFailure(error as QueryFailedError<Error>)
        : undefined);
    if (known) return known;
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL_ERROR',
      message: 'internal error',
    };
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const body = this.describe(error);
    if (body.statusCode >= 500) {
      // The error's name and code only: a message may quote the request's personal data.
      const name = error instanceof Error ? error.name : typeof error;
      const code = (error as { code?: unknown } | undefined)?.code;
      const frames =
        error instanceof Error ? error.stack?.split('\n').slice(1).join('\n') : undefined;
      this.logger.error({ error: name, code, frames }, 'HTTP 500');
    }
    host.switchToHttp().getResponse<JsonResponse>().status(body.statusCode).json(body);
  }
}
