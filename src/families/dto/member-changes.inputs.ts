import { Field, ID, InputType, Int, IntersectionType, PartialType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
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
