import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  AddOn,
  AddOns,
  ManualHandlingReason,
  ManualHandlingReasons,
  ReasonCode,
  ReasonCodes,
} from '../reason-codes';
import { Topics } from '../topics';
import { ChangeWindowDto, MoneyDto, ReceiptDto, SealedPersonDto } from './common';
import { IsId } from './ids';

/** A verified payment matched its order exactly: the saga starts. */
export class OrderPaid {
  static readonly type = 'OrderPaid';
  static readonly topic = Topics.ReactivationBilling;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsId() paymentId!: string;
  @Matches(/^[A-Z]{2,8}$/) region!: string;
  @ArrayMinSize(1) @IsId(true) licenseIds!: string[];
  @IsObject() @ValidateNested() @Type(() => MoneyDto) amount!: MoneyDto;
  @IsArray() @IsIn(AddOns, { each: true }) addOns!: AddOn[];
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeWindowDto)
  changeWindow?: ChangeWindowDto;
  /** The customer to keep informed, sealed for notifications: nobody else needs or reads it. */
  @IsObject() @ValidateNested() @Type(() => SealedPersonDto) customer!: SealedPersonDto;
  @IsISO8601({ strict: true }) paidAt!: string;
  /**
   * What was bought, line by line, with tax: the quote that was paid (the customer's status page
   * shows it from the start). Optional: absent from events published before it was added.
   */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ReceiptDto) receipt?: ReceiptDto;
}

/**
 * A payment did not match its account's order (or was a duplicate): nothing is reactivated, it is
 * refunded. Never published for a payment naming an unknown order or another account's: that one
 * is only refunded to its payer, so nothing reaches the order's saga.
 */
export class PaymentRejected {
  static readonly type = 'PaymentRejected';
  static readonly topic = Topics.ReactivationBilling;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsId() paymentId!: string;
  @IsObject() @ValidateNested() @Type(() => MoneyDto) amount!: MoneyDto;
  @ArrayMinSize(1) @IsIn(ReasonCodes, { each: true }) reasons!: ReasonCode[];
  /**
   * The customer to tell, present when the payment matched a known order of the account that it
   * closes (wrong amount or currency, expired quote or order): that order is never paid, so no
   * OrderPaid carries its customer. Absent for a duplicate payment of an order already paid (its
   * OrderPaid gave the customer). Sealed for notifications, which needs it; nobody else reads it.
   */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SealedPersonDto)
  customer?: SealedPersonDto;
  /** The region of the order's quote, present with `customer` (the support contact's region). */
  @IsOptional() @Matches(/^[A-Z]{2,8}$/) region?: string;
}

export class OrderFulfilled {
  static readonly type = 'OrderFulfilled';
  static readonly topic = Topics.ReactivationBilling;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsObject() @ValidateNested() @Type(() => ReceiptDto) receipt!: ReceiptDto;
  @IsISO8601({ strict: true }) fulfilledAt!: string;
}

export class OrderRefunded {
  static readonly type = 'OrderRefunded';
  static readonly topic = Topics.ReactivationBilling;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsId() refundId!: string;
  @IsObject() @ValidateNested() @Type(() => MoneyDto) amount!: MoneyDto;
  @ArrayMinSize(1) @IsIn(ReasonCodes, { each: true }) reasons!: ReasonCode[];
  @IsISO8601({ strict: true }) refundedAt!: string;
}

/**
 * The saga cannot end by itself, fulfilled or refunded: ops must act before `deadline`. Its
 * reactivation is over (nothing more is restored for this order), so the account is free for its
 * next order; the order stays visible as waiting on ops (timeline, `ops saga`, metrics), and the
 * support contact is told. Today: upstream settled a refund with another amount than requested.
 */
export class ManualHandlingRequired {
  static readonly type = 'ManualHandlingRequired';
  static readonly topic = Topics.ReactivationBilling;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsIn(ManualHandlingReasons) reason!: ManualHandlingReason;
  /** What ops must look at, in words (ids and amounts, never personal data). */
  @IsString() @MaxLength(500) detail!: string;
  @IsOptional() @IsId() refundId?: string;
  /** The refund billing requested (the amount captured). */
  @IsOptional() @ValidateNested() @Type(() => MoneyDto) requested?: MoneyDto;
  /** What upstream says it refunded. */
  @IsOptional() @ValidateNested() @Type(() => MoneyDto) settled?: MoneyDto;
  /** When ops must have acted; the stall escalation fires then. */
  @IsISO8601({ strict: true }) deadline!: string;
  @IsISO8601({ strict: true }) raisedAt!: string;
}
