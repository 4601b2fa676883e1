import { AddOn, AddOns, ID_PATTERN } from '@app/contracts';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';

export class CreateQuoteRequest {
  @Matches(ID_PATTERN, { message: 'accountId must be an id ([A-Za-z0-9_-]{1,64})' })
  accountId!: string;

  @IsString()
  @Matches(/^[A-Z]{2,8}$/, { message: 'region must be a region code such as EU, US, UK or JP' })
  region!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'licenseIds must not repeat a license' })
  @Matches(ID_PATTERN, {
    each: true,
    message: 'each licenseId must be an id ([A-Za-z0-9_-]{1,64})',
  })
  licenseIds!: string[];

  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(AddOns, { each: true })
  addOns: AddOn[] = [];
}
