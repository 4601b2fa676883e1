import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** Money in integer minor units of an ISO 4217 currency (the currency's own exponent). */
export class MoneyDto {
  @IsInt()
  @Min(0)
  amountMinor!: number;

  @Matches(/^[A-Z]{3}$/)
  currency!: string;
}

export class ChangeWindowDto {
  @IsISO8601({ strict: true })
  startsAt!: string;

  @IsISO8601({ strict: true })
  endsAt!: string;
}

/** A line of an itemized quote or receipt. */
export class PriceLineDto {
  @IsString()
  @MaxLength(64)
  code!: string;

  @IsString()
  @MaxLength(200)
  description!: string;

  @IsInt()
  @Min(1)
  quantity!: number;

  @IsInt()
  @Min(0)
  unitAmountMinor!: number;

  @IsInt()
  @Min(0)
  amountMinor!: number;

  @IsInt()
  @Min(0)
  taxMinor!: number;
}

export class ReceiptDto {
  @ValidateNested({ each: true })
  @Type(() => PriceLineDto)
  lines!: PriceLineDto[];

  @IsInt()
  @Min(0)
  subtotalMinor!: number;

  @IsInt()
  @Min(0)
  taxMinor!: number;

  @IsInt()
  @Min(0)
  totalMinor!: number;

  @Matches(/^[A-Z]{3}$/)
  currency!: string;

  @IsIn([true, false])
  taxInclusive!: boolean;

  /** Tax rate in basis points (2000 = 20 %), up to two decimals (US 8.875 % = 887.5). */
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  taxRateBps!: number;
}

export class PersonDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsString()
  @Matches(/^[^@\s]+@[^@\s]+$/)
  @MaxLength(320)
  email!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  contactId?: string;
}
