import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

/** The answer to `pairFamilyMembers`: ids and the surviving member's version, no personal data. */
@ObjectType()
export class FamilyMembersPaired {
  @Field(() => ID)
  familyId: string;

  @Field(() => ID, { description: 'The record that ended; it answers NOT_FOUND as a member from now on.' })
  absorbedMemberId: string;

  @Field(() => ID)
  survivingMemberId: string;

  @Field(() => Int, { description: "The surviving member's version after the pairing." })
  survivingMemberVersion: number;
}
