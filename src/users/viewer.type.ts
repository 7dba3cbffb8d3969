import { Field, ObjectType } from '@nestjs/graphql';
import { Agency } from '../agencies/agency.entity.js';
import { MembershipRole } from './membership-role.js';
import { User } from './user.entity.js';

@ObjectType()
export class ViewerMembership {
  @Field(() => Agency)
  agency: Agency;

  @Field(() => MembershipRole)
  role: MembershipRole;
}

/** The caller as the service sees it. */
@ObjectType()
export class Viewer {
  @Field()
  subject: string;

  @Field()
  isPlatformAdmin: boolean;

  @Field(() => User, { nullable: true, description: 'Null when the subject is not a user here yet.' })
  user: User | null;

  @Field(() => [ViewerMembership])
  memberships: ViewerMembership[];

  @Field(() => Agency, { nullable: true, description: 'The agency this request acts for (X-Acting-Agency).' })
  actingAgency: Agency | null;
}
