import { ID_PATTERN } from '@app/contracts';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

// An instant must say its offset: "2026-11-24T22:00:00" alone would depend on the server's zone.
const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

export class CustomerRequest {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsEmail()
  @MaxLength(320)
  email!: string;
}

export class ChangeWindowRequest {
  @IsISO8601({ strict: true })
  @Matches(WITH_OFFSET, { message: 'startsAt must carry a time zone offset (Z or ±hh:mm)' })
  startsAt!: string;

  @IsISO8601({ strict: true })
  @Matches(WITH_OFFSET, { message: 'endsAt must carry a time zone offset (Z or ±hh:mm)' })
  endsAt!: string;
}

export class CreateOrderRequest {
  @Matches(ID_PATTERN, { message: 'quoteId must be an id ([A-Za-z0-9_-]{1,64})' })
  quoteId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => CustomerRequest)
  customer!: CustomerRequest;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeWindowRequest)
  changeWindow?: ChangeWindowRequest;
}
