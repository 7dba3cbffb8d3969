import { Field, ID, InputType, Int, IntersectionType, PartialType, PickType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Idempotent } from '../../idempotency/idempotent.input.js';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { DATE, FamilyMemberInput, trim } from './family-member.input.js';

/** A member and the version the caller last read of her (a stale one answers CONFLICT). */
@InputType({ isAbstract: true })
class MemberRef {
  @Field(() => ID)
  @IsUUID()
  memberId: string;

  @Field(() => Int, { nullable: true, description: 'The version last read; a change meanwhile answers CONFLICT.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/**
 * A correction of a member's data (GDPR art. 16): only the fields given change; null clears a contact
 * field. The role changes between PARENT, CHILD and OTHER_CAREGIVER; a birth is `recordBirth`.
 */
@InputType()
export class UpdateFamilyMemberInput extends IntersectionType(PartialType(FamilyMemberInput), MemberRef) {}

@InputType()
export class RecordBirthInput extends MemberRef {
  @Field()
  @Transform(trim)
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  givenName: string;

  @Field(() => String, { nullable: true, description: 'When the child has another family name than was recorded.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  familyName?: string;

  @Field({ description: 'YYYY-MM-DD, not in the future.' })
  @Matches(DATE, { message: 'birthDate must be a date as YYYY-MM-DD' })
  birthDate: string;
}

@InputType()
export class MemberLeftHouseholdInput extends MemberRef {
  @Field({ description: 'The day she left (YYYY-MM-DD), not in the future.' })
  @Matches(DATE, { message: 'leftOn must be a date as YYYY-MM-DD' })
  leftOn: string;
}

/** What a member may ask to correct in the portal: her identity (names, birth date); contact details the team keeps. */
@InputType()
export class MemberCorrectionChanges extends PartialType(PickType(FamilyMemberInput, ['givenName', 'familyName', 'birthDate'])) {}

@InputType()
export class RequestMemberCorrectionInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  memberId: string;

  @Field(() => MemberCorrectionChanges)
  @ValidateNested()
  @Type(() => MemberCorrectionChanges)
  changes: MemberCorrectionChanges;
}

/** A correction request and the version last read of it. */
@InputType()
export class DecideMemberCorrectionInput {
  @Field(() => ID)
  @IsUUID()
  requestId: string;

  @Field(() => Int, { nullable: true, description: 'The version last read; a step meanwhile answers CONFLICT.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

@InputType()
export class DeclineMemberCorrectionInput extends DecideMemberCorrectionInput {
  @Field({ description: 'Why, in words the member understands.' })
  @Transform(trim)
  @IsString()
  @IsNotBlank()
  @MaxLength(1000)
  reason: string;
}
