import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { FamilyMemberInput } from './family-member.input.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class RegisterFamilyInput extends Idempotent {
  @Field(() => [FamilyMemberInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => FamilyMemberInput)
  members: FamilyMemberInput[];

  @Field(() => Boolean, {
    nullable: true,
    description: 'Registers the family although a member has the name and birth date of a member of a known family (the caller checked it is someone else).',
  })
  @IsOptional()
  @IsBoolean()
  confirmNotDuplicate?: boolean;
}

@InputType()
export class AddFamilyMemberInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  familyId: string;

  @Field(() => FamilyMemberInput)
  @ValidateNested()
  @Type(() => FamilyMemberInput)
  member: FamilyMemberInput;
}
