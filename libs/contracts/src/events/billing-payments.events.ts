import { Type } from 'class-transformer';
import { IsISO8601, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Topics } from '../topics';
import { MoneyDto } from './common';
import { IsId } from './ids';

/** Upstream billing captured the reactivation fee for an order. Signed (x-signature header). */
export class PaymentCaptured {
  static readonly type = 'PaymentCaptured';
  static readonly topic = Topics.BillingPayments;
  static readonly version = 1;

  @IsId() paymentId!: string;
  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsObject() @ValidateNested() @Type(() => MoneyDto) amount!: MoneyDto;
  @IsISO8601({ strict: true }) capturedAt!: string;
}

/** Upstream billing could not capture the payment (card declined, ...). */
export class PaymentFailed {
  static readonly type = 'PaymentFailed';
  static readonly topic = Topics.BillingPayments;
  static readonly version = 1;

  @IsId() paymentId!: string;
  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsString() @MaxLength(500) reason!: string;
}

/** Upstream billing executed a refund we requested (refundId is our idempotency key). */
export class RefundSettled {
  static readonly type = 'RefundSettled';
  static readonly topic = Topics.BillingPayments;
  static readonly version = 1;

  @IsId() refundId!: string;
  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsObject() @ValidateNested() @Type(() => MoneyDto) amount!: MoneyDto;
  @IsISO8601({ strict: true }) settledAt!: string;
}
