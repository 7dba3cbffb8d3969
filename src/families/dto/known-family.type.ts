import { applyDecorators } from '@nestjs/common';
import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsEnum, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { IsNationalNumber } from '../national-number.js';
import { DATE, trim } from './family-member.input.js';
import { WorkContact } from '../../users/work-contact.js';

/** Why a professional asks whether a family is known; the family reads it in its access log (portal/access-log-wording.ts). */
export enum FamilyLookupPurpose {
  /** Before registering a family (registerFamily asks this itself). */
  REGISTRATION = 'REGISTRATION',
  /** Taking in a referral or a request for help. */
  REFERRAL_INTAKE = 'REFERRAL_INTAKE',
  /** A concern for a child's safety: who else is involved. */
  CHILD_SAFETY = 'CHILD_SAFETY',
  /** Forming a team around a family: whom to work with. */
  TEAM_FORMATION = 'TEAM_FORMATION',
}
registerEnumType(FamilyLookupPurpose, { name: 'FamilyLookupPurpose' });

/** What made the family known. */
export enum LookupMatch {
  NATIONAL_NUMBER = 'NATIONAL_NUMBER',
  NAME_AND_BIRTH_DATE = 'NAME_AND_BIRTH_DATE',
}
registerEnumType(LookupMatch, { name: 'LookupMatch' });

export enum KnownFamilyStatus {
  NOT_KNOWN = 'NOT_KNOWN',
  KNOWN = 'KNOWN',
}
registerEnumType(KnownFamilyStatus, { name: 'KnownFamilyStatus' });

/** A name to look up by: trimmed, not blank, as a member's (FamilyMemberInput). */
const OptionalName = () =>
  applyDecorators(Field(() => String, { nullable: true }), IsOptional(), Transform(trim), IsString(), IsNotBlank(), MaxLength(100));

@InputType({ description: 'A national register number, or given name + family name + birth date; and why.' })
export class FindKnownFamilyInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsNationalNumber()
  nationalNumber?: string;

  @OptionalName()
  givenName?: string;

  @OptionalName()
  familyName?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @Matches(DATE, { message: 'birthDate must be a date as YYYY-MM-DD' })
  birthDate?: string;

  @Field(() => FamilyLookupPurpose)
  @IsEnum(FamilyLookupPurpose)
  purpose: FamilyLookupPurpose;
}

@ObjectType({ description: 'An agency, by name: no more is said about a family found.' })
export class KnownFamilyAgency {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;
}

@ObjectType({ description: "The family's trajectory supporter, as a contact at work: her agency, her name, her work e-mail and phone." })
export class KnownFamilySupporter {
  @Field(() => KnownFamilyAgency)
  agency: KnownFamilyAgency;

  @Field()
  name: string;

  @Field(() => WorkContact)
  workContact: WorkContact;
}

@ObjectType({ description: 'A family found: who is involved, never its members or what is recorded about it.' })
export class KnownFamilyMatch {
  @Field(() => ID, { description: 'For requestTeamParticipation, by the one who asked only.' })
  handle: string;

  @Field(() => LookupMatch)
  matchedBy: LookupMatch;

  @Field(() => [KnownFamilyAgency], { description: 'Agencies with a case assignment or on the team of its open plan.' })
  agencies: KnownFamilyAgency[];

  @Field(() => KnownFamilySupporter, { nullable: true, description: 'Null while its plan has no trajectory supporter.' })
  supporter: KnownFamilySupporter | null;
}

@ObjectType()
export class KnownFamily {
  @Field(() => KnownFamilyStatus, { description: 'KNOWN: `families` names who is involved in each family found.' })
  status: KnownFamilyStatus;

  @Field(() => [KnownFamilyMatch])
  families: KnownFamilyMatch[];
}
