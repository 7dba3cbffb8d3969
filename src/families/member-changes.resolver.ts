import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Loaders } from '../graphql/graphql-context.js';
import { IdArg } from '../graphql/id-arg.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { MemberLeftHouseholdInput, RecordBirthInput, UpdateFamilyMemberInput } from './dto/member-changes.inputs.js';
import { FamilyMemberChange } from './family-member-change.entity.js';
import { FamilyMember } from './family-member.entity.js';
import { MemberChangesService } from './member-changes.service.js';

@Resolver(() => FamilyMemberChange)
export class MemberChangesResolver {
  constructor(
    private readonly changes: MemberChangesService,
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  @Mutation(() => FamilyMember, { description: "Corrects a member's data (right to rectification); a stale expectedVersion answers CONFLICT." })
  @Policy('update', 'FamilyMember')
  updateFamilyMember(@CurrentCaller() caller: Caller, @Args('input') input: UpdateFamilyMemberInput): Promise<FamilyMember> {
    return this.changes.correct(caller, input);
  }

  @Mutation(() => FamilyMember, { description: 'An unborn child was born: the same member, now a CHILD, under the consents given for her.' })
  @Policy('update', 'FamilyMember')
  recordBirth(@CurrentCaller() caller: Caller, @Args('input') input: RecordBirthInput): Promise<FamilyMember> {
    return this.changes.recordBirth(caller, input);
  }

  @Mutation(() => FamilyMember, { description: 'The member left the household: kept, marked with the day (docs/family-members.md).' })
  @Policy('update', 'FamilyMember')
  memberLeftHousehold(@CurrentCaller() caller: Caller, @Args('input') input: MemberLeftHouseholdInput): Promise<FamilyMember> {
    return this.changes.leftHousehold(caller, input);
  }

  @Query(() => [FamilyMemberChange], { description: "A member's changes, oldest first; contact values only under the CONTACT right." })
  @Policy('read', 'FamilyMember')
  familyMemberHistory(@CurrentCaller() caller: Caller, @IdArg('memberId') memberId: string): Promise<FamilyMemberChange[]> {
    return this.changes.historyOf(caller, memberId);
  }

  @ResolveField(() => User, { nullable: true })
  actor(@Parent() entry: FamilyMemberChange, @Loaders() loaders: RequestLoaders) {
    return entry.actorUserId ? this.users.byId(loaders, entry.actorUserId) : null;
  }

  @ResolveField(() => Agency, { nullable: true })
  actingAgency(@Parent() entry: FamilyMemberChange, @Loaders() loaders: RequestLoaders) {
    return entry.actingAgencyId ? this.agencies.byId(loaders, entry.actingAgencyId) : null;
  }
}
