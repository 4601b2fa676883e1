import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/**
 * The largest amount of money any event carries, in minor units (a billion in a currency with
 * cents). Far above any reactivation fee, and small enough that every amount is an exact integer
 * in JSON and JavaScript and fits the bigint columns, and that an amount times a tax rate (in
 * basis points, up to 10,000) is still a safe integer: no amount is rounded or overflows on its
 * way from a capture to its refund.
 */
export const MAX_AMOUNT_MINOR = 100_000_000_000;

/** The largest quantity of a line (licenses per order are far fewer). */
export const MAX_QUANTITY = 10_000;

/** An amount of money in minor units: an integer from 0 to MAX_AMOUNT_MINOR. */
export const IsAmountMinor = (): PropertyDecorator => (target, property) => {
  IsInt()(target, property);
  Min(0)(target, property);
  Max(MAX_AMOUNT_MINOR)(target, property);
};

/** Money in integer minor units of an ISO 4217 currency (the currency's own exponent). */
export class MoneyDto {
  @IsAmountMinor()
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
  @Max(MAX_QUANTITY)
  quantity!: number;

  @IsAmountMinor()
  unitAmountMinor!: number;

  @IsAmountMinor()
  amountMinor!: number;

  @IsAmountMinor()
  taxMinor!: number;
}

export class ReceiptDto {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PriceLineDto)
  lines!: PriceLineDto[];

  @IsAmountMinor()
  subtotalMinor!: number;

  @IsAmountMinor()
  taxMinor!: number;

  @IsAmountMinor()
  totalMinor!: number;

  @Matches(/^[A-Z]{3}$/)
  currency!: string;

  @IsIn([true, false])
  taxInclusive!: boolean;

  /** Tax rate in basis points (2000 = 20 %), up to two decimals (US 8.875 % = 887.5). */
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10_000)
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

/**
 * A customer's name and email, encrypted for notifications, the one service that writes to them
 * (libs/platform PersonalDataCipher over `{"name","email"}`, under the PII key billing and
 * notifications share; the value names its key id, so keys rotate). Every other consumer group,
 * dead-letter copy and `ops` output sees only this opaque value.
 */
export class SealedPersonDto {
  @IsString()
  @MaxLength(2048)
  @Matches(/^v2\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, {
    message:
      'sealed must be a value of the personal data cipher (v2.<key id>.<nonce>.<tag>.<data>)',
  })
  sealed!: string;
}
