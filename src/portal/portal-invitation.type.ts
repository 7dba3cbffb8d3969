import { Field, ID, ObjectType } from '@nestjs/graphql';

/** A portal invitation as its creator sees it, once: the code is not stored and cannot be shown again. */
@ObjectType()
export class PortalInvitationCode {
  @Field(() => ID)
  invitationId: string;

  @Field(() => ID)
  memberId: string;

  @Field({ description: 'Shown once: give it to the member, who redeems it with her own login (redeemPortalInvitation).' })
  code: string;

  @Field()
  expiresAt: Date;
}

/** A member's portal login, as linked or ended. */
@ObjectType()
export class PortalLogin {
  @Field(() => ID)
  memberId: string;

  @Field(() => ID)
  familyId: string;

  @Field({ description: 'True once linked; false once ended.' })
  linked: boolean;
}
