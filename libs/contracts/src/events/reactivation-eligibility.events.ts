import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { ReasonCode, ReasonCodes } from '../reason-codes';
import { Topics } from '../topics';
import { ChangeWindowDto } from './common';
import { IsId } from './ids';

export class EligibilityVerified {
  static readonly type = 'EligibilityVerified';
  static readonly topic = Topics.ReactivationEligibility;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @ArrayMinSize(1) @IsId(true) licenseIds!: string[];
  /** Holds this reactivation clears (all clearable, checked). */
  @IsId(true) holdIds!: string[];
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeWindowDto)
  changeWindow?: ChangeWindowDto;
  @IsISO8601({ strict: true }) verifiedAt!: string;
}

export class EligibilityRejected {
  static readonly type = 'EligibilityRejected';
  static readonly topic = Topics.ReactivationEligibility;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  /** Every reason found, in the fixed order the rules are applied. */
  @ArrayMinSize(1) @IsIn(ReasonCodes, { each: true }) reasons!: ReasonCode[];
  @IsISO8601({ strict: true }) rejectedAt!: string;
}

export class EligibilityReviewRequired {
  static readonly type = 'EligibilityReviewRequired';
  static readonly topic = Topics.ReactivationEligibility;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsId() reviewId!: string;
  @ArrayMinSize(1) @IsId(true) holdIds!: string[];
  @ArrayMinSize(1) @IsString({ each: true }) requiredDocuments!: string[];
  @IsISO8601({ strict: true }) deadline!: string;
}
