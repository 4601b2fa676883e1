import { CodedError } from '@app/messaging';
import {
  BadRequestException,
  ForbiddenException,
  HttpStatus,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { HttpErrorFilter } from './http-error.filter';

class ShopError extends CodedError {
  constructor(
    readonly code: 'ITEM_GONE' | 'ITEM_ODD',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const filter = new HttpErrorFilter({ ITEM_GONE: HttpStatus.GONE });

describe('HttpErrorFilter: one error shape, stable codes', () => {
  it.each([
    [new UnauthorizedException('a valid bearer token is required'), 401, 'UNAUTHENTICATED'],
    [new ForbiddenException('role support may not do this'), 403, 'FORBIDDEN'],
    [new NotFoundException('Cannot GET /nowhere'), 404, 'NOT_FOUND'],
    [new PayloadTooLargeException('too large'), 413, 'PAYLOAD_TOO_LARGE'],
    [new BadRequestException('orderId must be an id'), 400, 'BAD_REQUEST'],
  ])('%s becomes {statusCode, code, message}', (error, statusCode, code) => {
    expect(filter.describe(error)).toEqual({ statusCode, code, message: error.message });
  });

  it('lists every validation problem, under VALIDATION_FAILED', () => {
    const error = new BadRequestException([
      'amount must be an integer',
      'property x should not exist',
    ]);
    expect(filter.describe(error)).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'amount must be an integer; property x should not exist',
      details: { problems: ['amount must be an integer', 'property x should not exist'] },
    });
  });

  it("maps a domain error by its service's table, 422 when unlisted, with its details", () => {
    expect(filter.describe(new ShopError('ITEM_GONE', 'sold out', { left: 0 }))).toEqual({
      statusCode: 410,
      code: 'ITEM_GONE',
      message: 'sold out',
      details: { left: 0 },
    });
    expect(filter.describe(new ShopError('ITEM_ODD', 'odd'))).toEqual({
      statusCode: 422,
      code: 'ITEM_ODD',
      message: 'odd',
    });
  });

  it("maps body-parser's refusal of a body too large to 413", () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      status: 413,
    });
    expect(filter.describe(tooLarge)).toEqual({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: 'the request body is larger than this service accepts',
    });
  });

  it('says nothing of an unexpected failure, and a unique violation is a conflict', () => {
    expect(filter.describe(new Error('password=hunter2 in a connection string'))).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'internal error',
    });
    const unique = new QueryFailedError(
      'INSERT',
      [],
      Object.assign(new Error('dup'), { code: '23505' }),
    );
    expect(filter.describe(unique)).toMatchObject({ statusCode: 409, code: 'ID_TAKEN' });
  });
});
