import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsISO8601,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ReasonCode, ReasonCodes } from '../reason-codes';
import { Topics } from '../topics';
import { IsId } from './ids';

export class ActivationScheduled {
  static readonly type = 'ActivationScheduled';
  static readonly topic = Topics.ReactivationLicensing;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsISO8601({ strict: true }) scheduledFor!: string;
}

export class EntitlementDto {
  @IsString() @MaxLength(64) code!: string;
  @IsString() @MaxLength(200) name!: string;
}

export class RestoredLicenseDto {
  @IsId() licenseId!: string;
  @IsId() contractId!: string;
  @IsString() @MaxLength(200) product!: string;
  @IsISO8601({ strict: true }) expiresAt!: string;
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EntitlementDto)
  entitlements!: EntitlementDto[];
}

export class ContractTermsDto {
  @IsId() contractId!: string;
  /** SHA-256 of the canonical baseline terms: equal before and after the reinstatement. */
  @Matches(/^[0-9a-f]{64}$/) termsFingerprint!: string;
}

export class EntitlementsRestored {
  static readonly type = 'EntitlementsRestored';
  static readonly topic = Topics.ReactivationLicensing;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => RestoredLicenseDto)
  licenses!: RestoredLicenseDto[];
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ContractTermsDto)
  contracts!: ContractTermsDto[];
  @Equals(true) termsUnchanged!: true;
  @IsId(true) clearedHoldIds!: string[];
  @IsISO8601({ strict: true }) restoredAt!: string;
}

export class ReactivationFailed {
  static readonly type = 'ReactivationFailed';
  static readonly topic = Topics.ReactivationLicensing;
  static readonly version = 1;

  @IsId() orderId!: string;
  @IsId() accountId!: string;
  @ArrayMinSize(1) @IsIn(ReasonCodes, { each: true }) reasons!: ReasonCode[];
  /** Licenses this case had restored and put back to suspended. */
  @IsId(true) resuspendedLicenseIds!: string[];
  @IsISO8601({ strict: true }) failedAt!: string;
}
