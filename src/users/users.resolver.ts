import { Args, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ConnectionType } from '../common/pagination.js';
import { Loaders } from '../graphql/graphql-context.js';
import { Language } from '../i18n/language.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Authenticated, Policy } from '../policy/policy.decorator.js';
import { AcceptMembershipInvitationInput, AddMembershipInput, RemoveMembershipInput } from './dto/add-membership.input.js';
import { MembershipsArgs } from './dto/memberships.args.js';
import { MembershipInvitation } from './membership-invitation.entity.js';
import { MembershipStatus } from './membership-status.js';
import { Membership } from './membership.entity.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';
import { Viewer, ViewerMembership } from './viewer.type.js';
import { SetWorkContactInput, WorkContact, WorkContactArgs, workContactOf } from './work-contact.js';

@ObjectType()
export class MembershipConnection extends ConnectionType(Membership) {}

@Resolver(() => Membership)
export class UsersResolver {
  constructor(
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  @Query(() => Viewer)
  @Authenticated()
  me(@CurrentCaller() caller: Caller): Viewer {
    return this.users.viewer(caller);
  }

  @Mutation(() => Viewer, { description: 'Sets the language the service writes to you in (inbox texts, access log, e-mails): a professional’s own setting, or a family member’s own preferredLanguage in the portal.' })
  @Authenticated()
  setMyLanguage(@CurrentCaller() caller: Caller, @Args('language', { type: () => Language }) language: Language): Promise<Viewer> {
    return this.users.setLanguage(caller, language);
  }

  @Query(() => WorkContact, {
    description: 'How a professional is reached at work, with the version setWorkContact takes: to whoever may set it (herself, or an admin of an agency she is a member of).',
  })
  @Authenticated()
  workContact(@CurrentCaller() caller: Caller, @Args() args: WorkContactArgs): Promise<WorkContact> {
    return this.users.workContact(caller, args.userId);
  }

  @Mutation(() => WorkContact, {
    description: 'Sets how you are reached at work (or, as agency admin, a member of your agency); both parts replace the ones before.',
  })
  @Authenticated()
  setWorkContact(@CurrentCaller() caller: Caller, @Args('input') input: SetWorkContactInput): Promise<WorkContact> {
    return this.users.setWorkContact(caller, input);
  }

  @Mutation(() => Membership)
  @Policy('create', 'Membership')
  addMembership(@CurrentCaller() caller: Caller, @Args('input') input: AddMembershipInput): Promise<Membership> {
    return this.users.addMembership(caller, input);
  }

  @Mutation(() => Membership, { description: "Ends a role; the user's case assignments in the agency end with it." })
  @Policy('update', 'Membership')
  removeMembership(@CurrentCaller() caller: Caller, @Args('input') input: RemoveMembershipInput): Promise<Membership> {
    return this.users.removeMembership(caller, input.membershipId);
  }

  @Query(() => MembershipConnection)
  @Policy('read', 'Membership')
  memberships(@CurrentCaller() caller: Caller, @Args() args: MembershipsArgs) {
    return this.users.memberships(caller, args.agencyId, args);
  }

  @Mutation(() => Membership, { description: 'Accepts, with your own login, a role offered to it in an agency.' })
  @Authenticated()
  acceptMembershipInvitation(@CurrentCaller() caller: Caller, @Args('input') input: AcceptMembershipInvitationInput): Promise<Membership> {
    return this.users.acceptMembershipInvitation(caller, input.invitationId);
  }

  @ResolveField(() => MembershipStatus)
  status(@Parent() membership: Membership): MembershipStatus {
    return membership.status ?? MembershipStatus.ACTIVE;
  }

  @ResolveField(() => User, { nullable: true })
  async user(@Parent() membership: Membership, @Loaders() loaders: RequestLoaders): Promise<User | null> {
    if (membership.status === MembershipStatus.INVITED) return null;
    return membership.user ?? (await this.users.byId(loaders, membership.userId))!;
  }

  @ResolveField(() => Agency)
  async agency(@Parent() membership: Membership, @Loaders() loaders: RequestLoaders): Promise<Agency> {
    return membership.agency ?? (await this.agencies.byId(loaders, membership.agencyId))!;
  }
}

@Resolver(() => Viewer)
export class ViewerResolver {
  constructor(
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  @ResolveField(() => User, { nullable: true })
  async user(@Parent() viewer: Viewer, @Loaders() loaders: RequestLoaders): Promise<User | null> {
    return viewer.principal.userId ? this.users.byId(loaders, viewer.principal.userId) : null;
  }

  @ResolveField(() => WorkContact, { nullable: true, description: 'How you are reached at work (null when not a user here yet).' })
  async workContact(@Parent() viewer: Viewer, @Loaders() loaders: RequestLoaders): Promise<WorkContact | null> {
    const user = viewer.principal.userId ? await this.users.byId(loaders, viewer.principal.userId) : null;
    return user ? workContactOf(user) : null;
  }

  @ResolveField(() => [ViewerMembership])
  memberships(@Parent() viewer: Viewer, @Loaders() loaders: RequestLoaders): Promise<ViewerMembership[]> {
    return Promise.all(viewer.principal.memberships.map(async (m) => ({ agency: (await this.agencies.byId(loaders, m.agencyId))!, role: m.role })));
  }

  @ResolveField(() => Agency, { nullable: true })
  async actingAgency(@Parent() viewer: Viewer, @Loaders() loaders: RequestLoaders): Promise<Agency | null> {
    return viewer.principal.acting ? this.agencies.byId(loaders, viewer.principal.acting.agencyId) : null;
  }

  @ResolveField(() => [MembershipInvitation])
  membershipInvitations(@Parent() viewer: Viewer): Promise<MembershipInvitation[]> {
    return this.users.invitationsOf(viewer.subject);
  }
}

@Resolver(() => MembershipInvitation)
export class MembershipInvitationResolver {
  constructor(private readonly agencies: AgenciesService) {}

  @ResolveField(() => Agency)
  async agency(@Parent() invitation: MembershipInvitation, @Loaders() loaders: RequestLoaders): Promise<Agency> {
    return (await this.agencies.byId(loaders, invitation.agencyId))!;
  }
}
