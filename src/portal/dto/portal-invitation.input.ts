import { Field, ID, InputType } from '@nestjs/graphql';
import { IsString, IsUUID, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';

@InputType()
export class CreatePortalInvitationInput {
  @Field(() => ID, { description: 'A member who decides for itself (adult, 12 or older, or assessed capable) and has no portal login.' })
  @IsUUID()
  memberId: string;
}

@InputType()
export class RedeemPortalInvitationInput {
  @Field({ description: 'The one-time code the member was given.' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  code: string;
}

@InputType()
export class UnlinkFamilyPortalInput {
  @Field(() => ID, { description: 'The member whose portal login ends (the member herself, or her family team).' })
  @IsUUID()
  memberId: string;
}
