import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsEnum,
  IsInt,
  IsOptional,
  IsPhoneNumber,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageArgs } from '../../common/pagination.js';
import { LifeDomain } from '../../goals/life-domain.js';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { WithIdempotencyKey } from '../../idempotency/idempotent.input.js';
import { HowToRefer, ServiceCost } from '../directory-enums.js';

/** Ages in months from birth: from the start of a pregnancy (-9) to 120 years. */
export const EARLIEST_AGE_MONTHS = -9;
export const LATEST_AGE_MONTHS = 1440;
/** A language tag: a language (nl, fr, en, ar, tr, …), optionally a region or script (nl-BE, zh-Hant). */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const BELGIAN_POSTCODE = /^[1-9][0-9]{3}$/;

/**
 * What a directory service says, validated the same way for the API and for the import
 * (`npm run directory -- import`). Rules across fields are in `directory-rules.ts`.
 */
@InputType({ isAbstract: true })
export class DirectoryServiceFields {
  @Field(() => ID, { nullable: true, description: 'The agency of the network that offers it; or give externalOrganisation.' })
  @IsOptional()
  @IsUUID()
  agencyId?: string | null;

  @Field(() => String, { nullable: true, description: 'An organisation outside the platform, by name; or give agencyId.' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  externalOrganisation?: string | null;

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @Field({ defaultValue: '' })
  @IsString()
  @MaxLength(5000)
  description: string = '';

  @Field(() => [LifeDomain])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @ArrayUnique()
  @IsEnum(LifeDomain, { each: true })
  lifeDomains: LifeDomain[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  eligibility?: string | null;

  @Field(() => Int, { nullable: true, description: `Months from birth, ${EARLIEST_AGE_MONTHS} (start of pregnancy) to ${LATEST_AGE_MONTHS}.` })
  @IsOptional()
  @IsInt()
  @Min(EARLIEST_AGE_MONTHS)
  @Max(LATEST_AGE_MONTHS)
  minAgeMonths?: number | null;

  @Field(() => Int, { nullable: true, description: `Months from birth, ${EARLIEST_AGE_MONTHS} to ${LATEST_AGE_MONTHS}; not below minAgeMonths.` })
  @IsOptional()
  @IsInt()
  @Min(EARLIEST_AGE_MONTHS)
  @Max(LATEST_AGE_MONTHS)
  maxAgeMonths?: number | null;

  @Field(() => [String], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(30)
  @ArrayUnique()
  @Matches(LANGUAGE_TAG, { each: true, message: 'languages must be language tags such as nl, fr, en or nl-BE' })
  languages: string[] = [];

  @Field(() => ServiceCost)
  @IsEnum(ServiceCost)
  cost: ServiceCost;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  streetAddress?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(BELGIAN_POSTCODE, { message: 'postcode must be a Belgian postcode of four digits' })
  postcode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  municipality?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  openingHours?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsPhoneNumber('BE', { message: 'phone must be a phone number (Belgian, or international with +)' })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'website must be an http(s) address' })
  @MaxLength(500)
  website?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  accessibility?: string | null;

  @Field(() => HowToRefer)
  @IsEnum(HowToRefer)
  howToRefer: HowToRefer;
}

@InputType()
export class CreateDirectoryServiceInput extends WithIdempotencyKey(DirectoryServiceFields) {
  @Field(() => ID)
  @IsUUID()
  networkId: string;
}

/** Replaces what the service says (every field, as the form shows them all). */
@InputType()
export class UpdateDirectoryServiceInput extends DirectoryServiceFields {
  @Field(() => ID)
  @IsUUID()
  id: string;
}

@ArgsType()
export class DirectoryServicesArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  networkId: string;

  @Field(() => String, { nullable: true, description: 'Words in Dutch or French, accents optional; a name with a typo is found too.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @Field(() => [LifeDomain], { nullable: true, description: 'Services in any of these life domains.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(12)
  @IsEnum(LifeDomain, { each: true })
  lifeDomains?: LifeDomain[];

  @Field(() => Int, { nullable: true, description: 'Services for this age, in months from birth (negative before birth).' })
  @IsOptional()
  @IsInt()
  @Min(EARLIEST_AGE_MONTHS)
  @Max(LATEST_AGE_MONTHS)
  age?: number;

  @Field(() => String, { nullable: true, description: 'Services that speak this language (a language tag).' })
  @IsOptional()
  @Matches(LANGUAGE_TAG, { message: 'language must be a language tag such as nl, fr, en or nl-BE' })
  language?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(BELGIAN_POSTCODE, { message: 'postcode must be a Belgian postcode of four digits' })
  postcode?: string;
}
