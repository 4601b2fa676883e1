import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Topics } from '../topics';
import { PersonDto } from './common';
import { IsId } from './ids';

export class SupportContactAssigned {
  static readonly type = 'SupportContactAssigned';
  static readonly topic = Topics.ReactivationNotifications;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsObject() @ValidateNested() @Type(() => PersonDto) contact!: PersonDto;
}

export class CustomerNotified {
  static readonly type = 'CustomerNotified';
  static readonly topic = Topics.ReactivationNotifications;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  /** The saga stage the message was about (the event type that caused it, or a reminder). */
  @IsString() @MaxLength(64) stage!: string;
  @IsString() @MaxLength(200) messageId!: string;
  @IsIn(['email']) channel!: 'email';
}

export class ReactivationStalled {
  static readonly type = 'ReactivationStalled';
  static readonly topic = Topics.ReactivationNotifications;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  /** The last stage reached, where the saga is stuck. */
  @IsString() @MaxLength(64) stage!: string;
  @IsISO8601({ strict: true }) since!: string;
  @IsISO8601({ strict: true }) deadline!: string;
}
