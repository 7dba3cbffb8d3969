import { Field, ID, ObjectType } from '@nestjs/graphql';
import { FamilyMember } from '../families/family-member.entity.js';

/** A member of a plan the caller supports who turns 18 soon (or did, with consents still to confirm). */
@ObjectType()
export class AdulthoodTransition {
  @Field(() => FamilyMember)
  member: FamilyMember;

  @Field(() => ID, { description: 'The active plan the caller supports.' })
  planId: string;

  @Field({ description: 'The 18th birthday (YYYY-MM-DD): from that day consents a parent gave stop covering new access.' })
  turns18On: string;
}
