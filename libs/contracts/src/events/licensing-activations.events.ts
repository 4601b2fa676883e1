import { Type } from 'class-transformer';
import { IsArray, IsISO8601, ValidateNested } from 'class-validator';
import { IsIn } from 'class-validator';
import { ReasonCode, ReasonCodes } from '../reason-codes';
import { Topics } from '../topics';
import { IsId } from './ids';
import { EntitlementDto } from './reactivation-licensing.events';

/** For the licensing platform: switch this license back on. */
export class LicenseReactivated {
  static readonly type = 'LicenseReactivated';
  static readonly topic = Topics.LicensingActivations;
  static readonly version = 1;

  @IsId() licenseId!: string;
  @IsId() accountId!: string;
  @IsId() orderId!: string;
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EntitlementDto)
  entitlements!: EntitlementDto[];
  @IsISO8601({ strict: true }) expiresAt!: string;
}

/** For the licensing platform: this license goes back to suspended (a failed case rolled back). */
export class LicenseResuspended {
  static readonly type = 'LicenseResuspended';
  static readonly topic = Topics.LicensingActivations;
  static readonly version = 1;

  @IsId() licenseId!: string;
  @IsId() accountId!: string;
  @IsId() orderId!: string;
  @IsIn(ReasonCodes) reason!: ReasonCode;
}
