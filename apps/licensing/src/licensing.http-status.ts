import { HttpStatus } from '@nestjs/common';
import { LicensingErrorCode } from './licensing.error';

/** The HTTP status of each of licensing's error codes (the platform's one filter writes the body). */
export const LICENSING_HTTP_STATUS: Record<LicensingErrorCode, HttpStatus> = {
  INVALID_ACCOUNT: HttpStatus.BAD_REQUEST,
  ACCOUNT_NOT_FOUND: HttpStatus.NOT_FOUND,
  REACTIVATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  LICENSE_OWNED_BY_ANOTHER_ACCOUNT: HttpStatus.CONFLICT,
  CONTRACT_OWNED_BY_ANOTHER_ACCOUNT: HttpStatus.CONFLICT,
  HOLD_OWNED_BY_ANOTHER_ACCOUNT: HttpStatus.CONFLICT,
  CONTRACT_TERMS_ALTERED: HttpStatus.INTERNAL_SERVER_ERROR,
  REGISTRY_INCONSISTENT: HttpStatus.INTERNAL_SERVER_ERROR,
};
