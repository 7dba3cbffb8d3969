import { Field, ObjectType } from '@nestjs/graphql';
import { Agency } from '../agencies/agency.entity.js';
import type { Principal } from '../auth/principal.js';
import { SubjectKind } from '../auth/subject-kind.js';
import { Language } from '../i18n/language.js';
import { MembershipInvitation } from './membership-invitation.entity.js';
import { MembershipRole } from './membership-role.js';
import { User } from './user.entity.js';

@ObjectType()
export class ViewerMembership {
  @Field(() => Agency)
  agency: Agency;

  @Field(() => MembershipRole)
  role: MembershipRole;
}

/**
 * The caller as the service sees it. Its user, memberships' agencies and acting agency are read only when
 * selected (ViewerResolver), so that `me { subject kind }` costs no statement beyond the principal's.
 */
@ObjectType()
export class Viewer {
  /** What the resolvers of the nested fields read from; not a field. */
  principal: Principal;

  @Field()
  subject: string;

  @Field(() => SubjectKind, { description: 'What this login is, for good: no operation changes it.' })
  kind: SubjectKind;

  @Field()
  isPlatformAdmin: boolean;

  @Field(() => Language, { description: 'The language the service writes to you in (inbox texts, access log, e-mails).' })
  language: Language;

  @Field(() => User, { nullable: true, description: 'Null when the subject is not a user here yet.' })
  user?: User | null;

  @Field(() => [ViewerMembership])
  memberships?: ViewerMembership[];

  @Field(() => [MembershipInvitation], { description: 'Roles offered to this login in agencies, not yet accepted.' })
  membershipInvitations?: MembershipInvitation[];

  @Field(() => Agency, { nullable: true, description: 'The agency this request acts for (X-Acting-Agency).' })
  actingAgency?: Agency | null;
}
