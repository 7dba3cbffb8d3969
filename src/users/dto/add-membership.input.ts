import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { MembershipRole } from '../membership-role.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class AddMembershipInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  agencyId: string;

  @Field({ description: "The user's subject at the identity provider (the token's `sub`)." })
  @IsString()
  @IsNotBlank()
  @MaxLength(255)
  subject: string;

  @Field({ description: 'Used when the user is new (also when she accepts an invitation); an existing user keeps its name.' })
  @IsString()
  @IsNotBlank()
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
