import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Family } from '../families/family.entity.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AssignmentsService } from './assignments.service.js';
import { CaseAssignment } from './case-assignment.entity.js';
import { AssignCaseInput, EndCaseAssignmentInput } from './dto/assign-case.input.js';

@Resolver(() => CaseAssignment)
export class AssignmentsResolver {
  constructor(
    private readonly service: AssignmentsService,
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  @Mutation(() => CaseAssignment, { description: 'Agency admin: assign a caseworker or volunteer to a family.' })
  @Policy('create', 'CaseAssignment')
  assignCase(@CurrentCaller() caller: Caller, @Args('input') input: AssignCaseInput): Promise<CaseAssignment> {
    return this.service.assign(caller, input);
  }

  @Mutation(() => CaseAssignment)
  @Policy('update', 'CaseAssignment')
  endCaseAssignment(@CurrentCaller() caller: Caller, @Args('input') input: EndCaseAssignmentInput) {
    return this.service.end(caller, input.assignmentId);
  }

  @ResolveField(() => User)
  async user(@Parent() assignment: CaseAssignment, @Loaders() loaders: RequestLoaders): Promise<User> {
    return (await this.users.byId(loaders, assignment.userId))!;
  }

  @ResolveField(() => Agency)
  async agency(@Parent() assignment: CaseAssignment, @Loaders() loaders: RequestLoaders): Promise<Agency> {
    return (await this.agencies.byId(loaders, assignment.agencyId))!;
  }
}

@Resolver(() => Family)
export class FamilyAssignmentsResolver {
  constructor(private readonly service: AssignmentsService) {}

  @ResolveField(() => [CaseAssignment], { description: 'Who works with this family now.' })
  caseAssignments(@Parent() family: Family, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.service.activeOf(caller, loaders, family.id);
  }
}
