import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { EligibilityError, EligibilityErrorCode } from './eligibility.errors';

const STATUS_OF: Record<EligibilityErrorCode, HttpStatus> = {
  CASE_NOT_FOUND: HttpStatus.NOT_FOUND,
  REVIEW_NOT_FOUND: HttpStatus.NOT_FOUND,
  DOCUMENT_NOT_REQUIRED: HttpStatus.NOT_FOUND,
  ACCOUNT_NOT_KNOWN: HttpStatus.NOT_FOUND,
  REVIEW_ALREADY_DECIDED: HttpStatus.CONFLICT,
  DOCUMENTS_NOT_VERIFIED: HttpStatus.CONFLICT,
};

/** The part of Express' response this filter uses (no @types/express in the project). */
interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
}

/** Maps eligibility's coded errors to HTTP responses: `{ statusCode, code, message, ...details }`. */
@Catch(EligibilityError)
export class EligibilityHttpErrorFilter implements ExceptionFilter<EligibilityError> {
  catch(error: EligibilityError, host: ArgumentsHost): void {
    const status = STATUS_OF[error.code];
    host
      .switchToHttp()
      .getResponse<JsonResponse>()
      .status(status)
      .json({ statusCode: status, code: error.code, message: error.message, ...error.details });
  }
}
