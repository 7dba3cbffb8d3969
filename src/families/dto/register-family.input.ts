import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { FamilyMemberInput } from './family-member.input.js';

@InputType()
export class RegisterFamilyInput {
  @Field(() => [FamilyMemberInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => FamilyMemberInput)
  members: FamilyMemberInput[];
}

@InputType()
export class AddFamilyMemberInput {
  @Field(() => ID)
  @IsUUID()
  familyId: string;

  @Field(() => FamilyMemberInput)
  @ValidateNested()
  @Type(() => FamilyMemberInput)
  member: FamilyMemberInput;
}

@InputType()
export class LinkFamilyPortalInput {
  @Field(() => ID, { description: 'A member who decides for itself (adult, 12 or older, or assessed capable).' })
  @IsUUID()
  memberId: string;

  @Field({ description: "The member's subject at the identity provider, used to log in to the family portal." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  portalSubject: string;
}
