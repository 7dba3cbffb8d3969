import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { MembershipRole } from '../membership-role.js';

@InputType()
export class AddMembershipInput {
  @Field(() => ID)
  @IsUUID()
  agencyId: string;

  @Field({ description: "The user's subject at the identity provider (the token's `sub`)." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  subject: string;

  @Field({ description: 'Used when the user is new (also when she accepts an invitation); an existing user keeps its name.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName: string;

  @Field(() => MembershipRole)
  @IsEnum(MembershipRole)
  role: MembershipRole;
}

@InputType()
export class RemoveMembershipInput {
  @Field(() => ID)
  @IsUUID()
  membershipId: string;
}

@InputType()
export class AcceptMembershipInvitationInput {
  @Field(() => ID)
  @IsUUID()
  invitationId: string;
}
