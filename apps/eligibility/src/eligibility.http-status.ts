import { HttpStatus } from '@nestjs/common';
import { EligibilityErrorCode } from './eligibility.errors';

/** The HTTP status of each of eligibility's error codes (the platform's one filter writes the body). */
export const ELIGIBILITY_HTTP_STATUS: Record<EligibilityErrorCode, HttpStatus> = {
  CASE_NOT_FOUND: HttpStatus.NOT_FOUND,
  REVIEW_NOT_FOUND: HttpStatus.NOT_FOUND,
  DOCUMENT_NOT_REQUIRED: HttpStatus.NOT_FOUND,
  ACCOUNT_NOT_KNOWN: HttpStatus.NOT_FOUND,
  REVIEW_ALREADY_DECIDED: HttpStatus.CONFLICT,
  REVIEW_DEADLINE_PASSED: HttpStatus.CONFLICT,
  DOCUMENTS_NOT_VERIFIED: HttpStatus.CONFLICT,
};
