import { Field, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsEmail, IsEnum, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { IsNationalNumber } from '../national-number.js';
import { FamilyMemberRole } from '../family-member-role.js';

/** Names are compared and shown trimmed; a name of only spaces is empty. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

@InputType()
export class FamilyMemberInput {
  @Field(() => FamilyMemberRole)
  @IsEnum(FamilyMemberRole)
  role: FamilyMemberRole;

  @Field()
  @Transform(trim)
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  givenName: string;

  @Field()
  @Transform(trim)
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  familyName: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; required except for an unborn child.' })
  @IsOptional()
  @Matches(DATE, { message: 'birthDate must be a date as YYYY-MM-DD' })
  birthDate?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; for an unborn child.' })
  @IsOptional()
  @Matches(DATE, { message: 'expectedDate must be a date as YYYY-MM-DD' })
  expectedDate?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\+?[0-9 ()/.-]{6,20}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'preferredLanguage must be a language tag such as nl or fr-BE' })
  preferredLanguage?: string;

  @Field(() => String, {
    nullable: true,
    description: 'National register number (INSZ) or BIS number, with or without separators. Never stored or shown: only a keyed hash is kept.',
  })
  @IsOptional()
  @IsNationalNumber()
  nationalNumber?: string;
}
