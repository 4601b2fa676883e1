import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { BillingError, BillingErrorCode } from './billing.error';

/** The little of an HTTP response the filter needs (express underneath). */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

const STATUS_OF: Record<BillingErrorCode, HttpStatus> = {
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

/** Billing's HTTP error mapping: a domain code becomes a 4xx carrying the code and the reason. */
@Catch(BillingError)
export class BillingHttpErrorFilter implements ExceptionFilter<BillingError> {
  catch(error: BillingError, host: ArgumentsHost): void {
    const status = STATUS_OF[error.code] ?? HttpStatus.UNPROCESSABLE_ENTITY;
    host
      .switchToHttp()
      .getResponse<JsonResponse>()
      .status(status)
      .json({ statusCode: status, code: error.code, message: error.message });
  }
}
