import { CodedError } from '@app/messaging';

export type EligibilityErrorCode =
  | 'CASE_NOT_FOUND'
  | 'REVIEW_NOT_FOUND'
  | 'DOCUMENT_NOT_REQUIRED'
  | 'REVIEW_ALREADY_DECIDED'
  /** An approval after the review's deadline (the deadline sweep rejects the order). */
  | 'REVIEW_DEADLINE_PASSED'
  | 'DOCUMENTS_NOT_VERIFIED'
  | 'ACCOUNT_NOT_KNOWN';

/**
 * Failures of the eligibility bounded context, with stable codes. Domain code throws these;
 * the HTTP filter maps them to responses, the Kafka runtime dead-letters them.
 */
export class EligibilityError extends CodedError {
  constructor(
    readonly code: EligibilityErrorCode,
    message: string,
    /** Extra facts for the caller (e.g. the documents still missing). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
