import { HttpStatus } from '@nestjs/common';
import { BillingErrorCode } from './billing.error';

/** The HTTP status of each of billing's error codes (the platform's one filter writes the body). */
export const BILLING_HTTP_STATUS: Record<BillingErrorCode, HttpStatus> = {
  REGION_UNSUPPORTED: HttpStatus.BAD_REQUEST,
  ADD_ON_UNAVAILABLE: HttpStatus.BAD_REQUEST,
  CHANGE_WINDOW_REQUIRED: HttpStatus.BAD_REQUEST,
  CHANGE_WINDOW_NOT_ALLOWED: HttpStatus.BAD_REQUEST,
  CHANGE_WINDOW_INVALID: HttpStatus.BAD_REQUEST,
  QUOTE_NOT_FOUND: HttpStatus.NOT_FOUND,
  ORDER_NOT_FOUND: HttpStatus.NOT_FOUND,
  QUOTE_EXPIRED: HttpStatus.GONE,
  ORDER_EXISTS_FOR_QUOTE: HttpStatus.CONFLICT,
  ORDER_ACCOUNT_MISMATCH: HttpStatus.CONFLICT,
  ORDER_NOT_PAID: HttpStatus.CONFLICT,
  ORDER_ALREADY_FULFILLED: HttpStatus.CONFLICT,
  ORDER_NOT_FULFILLABLE: HttpStatus.CONFLICT,
  REFUND_NOT_FOUND: HttpStatus.NOT_FOUND,
  REFUND_AMOUNT_MISMATCH: HttpStatus.CONFLICT,
};
