import { Args, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ConnectionType } from '../common/pagination.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Authenticated, Policy } from '../policy/policy.decorator.js';
import { AddMembershipInput, RemoveMembershipInput } from './dto/add-membership.input.js';
import { MembershipsArgs } from './dto/memberships.args.js';
import { Membership } from './membership.entity.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';
import { Viewer } from './viewer.type.js';

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
  me(@CurrentCaller() caller: Caller): Promise<Viewer> {
    return this.users.viewer(caller);
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

  @ResolveField(() => User)
  async user(@Parent() membership: Membership, @Loaders() loaders: RequestLoaders): Promise<User> {
    return membership.user ?? (await this.users.byId(loaders, membership.userId))!;
  }

  @ResolveField(() => Agency)
  async agency(@Parent() membership: Membership, @Loaders() loaders: RequestLoaders): Promise<Agency> {
    return membership.agency ?? (await this.agencies.byId(loaders, membership.agencyId))!;
  }
}
