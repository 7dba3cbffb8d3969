import { Field, ID, InputType, Int, IntersectionType, PartialType, PickType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Idempotent } from '../../idempotency/idempotent.input.js';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { DATE, FamilyMemberInput, trim } from './family-member.input.js';

/** The version the caller last read of what it changes (a stale one answers CONFLICT). */
@InputType({ isAbstract: true })
class Versioned {
  @Field(() => Int, { nullable: true, description: 'The version last read; a change meanwhile answers CONFLICT.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

@InputType({ isAbstract: true })
class MemberRef extends Versioned {
  @Field(() => ID)
  @IsUUID()
  memberId: string;
}

/**
 * A correction of a member's data (GDPR art. 16): only the fields given change; null clears a contact
 * field. The role changes between PARENT, CHILD and OTHER_CAREGIVER; a birth is `recordBirth`.
 */
@InputType()
export class UpdateFamilyMemberInput extends IntersectionType(PartialType(FamilyMemberInput), MemberRef) {}

/** The born child's name (her family name only when another than was recorded) and birth date. */
@InputType()
export class RecordBirthInput extends IntersectionType(
  IntersectionType(PickType(FamilyMemberInput, ['givenName']), PartialType(PickType(FamilyMemberInput, ['familyName']))),
  MemberRef,
) {
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
export class DecideMemberCorrectionInput extends Versioned {
  @Field(() => ID)
  @IsUUID()
  requestId: string;
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
