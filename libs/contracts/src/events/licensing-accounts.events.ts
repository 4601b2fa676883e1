import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  AccountStatus,
  AccountStatuses,
  HoldCategories,
  HoldCategory,
  LicenseStatus,
  LicenseStatuses,
} from '../reason-codes';
import { Topics } from '../topics';
import { MoneyDto } from './common';
import { IsId } from './ids';
import { EntitlementDto } from './reactivation-licensing.events';

export class HoldSnapshotDto {
  @IsId() holdId!: string;
  @IsIn(HoldCategories) category!: HoldCategory;
  @IsString() @MaxLength(500) reason!: string;
  @IsIn(['ACTIVE', 'CLEARED']) state!: 'ACTIVE' | 'CLEARED';
  /** TECHNICAL_INTERRUPTION: whether its incident is resolved. */
  @IsOptional() @IsBoolean() incidentResolved?: boolean;
  /** COMPLIANCE_HOLD: the documents ops must verify. */
  @IsOptional() @IsString({ each: true }) requiredDocuments?: string[];
}

export class ContractSnapshotDto {
  @IsId() contractId!: string;
  @IsISO8601({ strict: true }) startsAt!: string;
  @IsISO8601({ strict: true }) endsAt!: string;
  @IsString() @MaxLength(64) renewalTerms!: string;
  @Matches(/^[0-9a-f]{64}$/) termsFingerprint!: string;
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EntitlementDto)
  entitlements!: EntitlementDto[];
}

export class LicenseSnapshotDto {
  @IsId() licenseId!: string;
  @IsId() contractId!: string;
  @IsString() @MaxLength(200) product!: string;
  @IsIn(LicenseStatuses) status!: LicenseStatus;
  @IsISO8601({ strict: true }) expiresAt!: string;
}

/** Current state of one account (compacted topic: the latest per accountId wins). */
export class AccountSnapshot {
  static readonly type = 'AccountSnapshot';
  static readonly topic = Topics.LicensingAccounts;
  static readonly version = 1;

  @IsId() accountId!: string;
  @Matches(/^[A-Z]{2,8}$/) region!: string;
  @IsIn(AccountStatuses) status!: AccountStatus;
  @IsObject() @ValidateNested() @Type(() => MoneyDto) outstandingBalance!: MoneyDto;
  @IsArray() @ValidateNested({ each: true }) @Type(() => HoldSnapshotDto) holds!: HoldSnapshotDto[];
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ContractSnapshotDto)
  contracts!: ContractSnapshotDto[];
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LicenseSnapshotDto)
  licenses!: LicenseSnapshotDto[];
  /** Monotonic per account: a consumer ignores a snapshot older than the one it holds. */
  @IsInt() @Min(1) version!: number;
}
