import { Type } from 'class-transformer';
import { ArrayMinSize, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { ReasonCode, ReasonCodes } from '../reason-codes';
import { Topics } from '../topics';
import { MoneyDto } from './common';
import { IsId } from './ids';

/** Billing asks upstream to refund a payment in full, tax included. refundId is the idempotency key. */
export class RefundRequested {
  static readonly type = 'RefundRequested';
  static readonly topic = Topics.BillingRefunds;
  static readonly version = 1;

  @IsId() refundId!: string;
  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsId() paymentId!: string;
  @IsObject() @ValidateNested() @Type(() => MoneyDto) amount!: MoneyDto;
  @ArrayMinSize(1) @IsIn(ReasonCodes, { each: true }) reasons!: ReasonCode[];
  @IsOptional() @IsId() idempotencyKey?: string;
}
