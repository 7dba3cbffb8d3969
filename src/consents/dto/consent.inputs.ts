import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsBoolean, IsDate, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { ConsentMethod } from '../consent-method.js';
import { DataCategory } from '../data-category.js';
import { Idempotent, WithIdempotencyKey } from '../../idempotency/idempotent.input.js';

/** How the family's agreement was obtained, as consenting, confirming and a support handover record it. */
@InputType({ isAbstract: true })
export class ConsentEvidenceInput {
  @Field(() => ConsentMethod)
  @IsEnum(ConsentMethod)
  method: ConsentMethod;

  @Field(() => String, { nullable: true, description: 'Where the signed form or the witness statement is kept. Required unless FAMILY_PORTAL.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  evidenceReference?: string;
}

@InputType()
export class RecordConsentInput extends WithIdempotencyKey(ConsentEvidenceInput) {
  @Field(() => ID, { description: 'The member who agrees: the subject itself, or a parent for a child who cannot decide yet.' })
  @IsUUID()
  grantorMemberId: string;

  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  subjectMemberIds: string[];

  @Field(() => ID, { nullable: true, description: 'The agency that may use the data; or else recipientDirectoryServiceId.' })
  @IsOptional()
  @IsUUID()
  recipientAgencyId?: string;

  @Field(() => ID, {
    nullable: true,
    description: 'An organisation outside the platform, by its service in the network directory (for a logged referral); or else recipientAgencyId.',
  })
  @IsOptional()
  @IsUUID()
  recipientDirectoryServiceId?: string;

  @Field(() => [DataCategory])
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(DataCategory, { each: true })
  categories: DataCategory[];

  @Field({ description: 'e.g. PLAN_COORDINATION, REFERRAL' })
  @Matches(/^[A-Z][A-Z0-9_]{1,49}$/, { message: 'purposeCode must be an upper-case code such as PLAN_COORDINATION' })
  purposeCode: string;

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  purpose: string;

  @Field(() => Date, { nullable: true, description: 'Defaults to now.' })
  @IsOptional()
  @IsDate()
  validFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'Open-ended when absent; revocable at any time.' })
  @IsOptional()
  @IsDate()
  validUntil?: Date;

}

@InputType()
export class RevokeConsentInput {
  @Field(() => ID)
  @IsUUID()
  consentId: string;

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  reason: string;

  @Field(() => ID, { nullable: true, description: 'When recorded by a caseworker: the member who withdrew the consent.' })
  @IsOptional()
  @IsUUID()
  revokedByMemberId?: string;
}

@InputType()
export class AssessCapacityInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  memberId: string;

  @Field()
  @IsBoolean()
  capable: boolean;

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  reason: string;
}

@InputType()
export class ConfirmConsentInput extends ConsentEvidenceInput {
  @Field(() => ID)
  @IsUUID()
  consentId: string;

  @Field(() => ID, { description: 'The member (18, or deciding for themselves) who takes the consent over as their own.' })
  @IsUUID()
  memberId: string;
}
