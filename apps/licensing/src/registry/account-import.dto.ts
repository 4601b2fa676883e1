import {
  AccountImportRequest,
  AccountStatus,
  ContractImportRequest,
  HoldImportRequest,
  LicenseImportRequest,
  AccountStatuses,
  EntitlementDto,
  HoldCategories,
  HoldCategory,
  IsId,
  LicenseStatus,
  LicenseStatuses,
  MoneyDto,
} from '@app/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export class AccountIdParams {
  @IsId() id!: string;
}

export class HoldImportDto implements HoldImportRequest {
  @IsId() holdId!: string;
  @IsIn(HoldCategories) category!: HoldCategory;
  @IsString() @Length(1, 500) reason!: string;
  @IsIn(['ACTIVE', 'CLEARED']) state!: 'ACTIVE' | 'CLEARED';
  /** TECHNICAL_INTERRUPTION: whether its incident is resolved. */
  @IsOptional() @IsBoolean() incidentResolved?: boolean;
  /** COMPLIANCE_HOLD: the documents ops must verify. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  requiredDocuments?: string[];
}

export class ContractImportDto implements ContractImportRequest {
  @IsId() contractId!: string;
  @IsISO8601({ strict: true }) startsAt!: string;
  @IsISO8601({ strict: true }) endsAt!: string;
  @IsString() @Length(1, 64) renewalTerms!: string;
  /** What the contract grants each of its licenses. */
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => EntitlementDto)
  entitlements!: EntitlementDto[];
}

export class LicenseImportDto implements LicenseImportRequest {
  @IsId() licenseId!: string;
  @IsId() contractId!: string;
  @IsString() @Length(1, 200) product!: string;
  @IsIn(LicenseStatuses) status!: LicenseStatus;
  @IsISO8601({ strict: true }) expiresAt!: string;
  @IsOptional() @IsISO8601({ strict: true }) suspendedAt?: string;
}

/** PUT /accounts/:id: the whole account at once; its holds, contracts and licenses are replaced. */
export class AccountImportDto implements AccountImportRequest {
  @Matches(/^[A-Z]{2,8}$/, { message: 'region must be an upper-case region code (EU, US, ...)' })
  region!: string;
  @IsIn(AccountStatuses) status!: AccountStatus;
  @ValidateNested() @Type(() => MoneyDto) outstandingBalance!: MoneyDto;
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => HoldImportDto)
  holds!: HoldImportDto[];
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ContractImportDto)
  contracts!: ContractImportDto[];
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => LicenseImportDto)
  licenses!: LicenseImportDto[];
}
