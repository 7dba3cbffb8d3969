import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { FamiliesService } from '../families/families.service.js';
import { FamilyMember } from '../families/family-member.entity.js';
import { readWith } from '../graphql/compiled-selection.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Plan } from '../plans/plan.entity.js';
import { Policy } from '../policy/policy.decorator.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { Action } from './action.entity.js';
import { ActionsService } from './actions.service.js';
import { AddGoalInput, UpdateGoalInput } from './dto/goal.inputs.js';
import { GoalProgressNote } from './goal-progress-note.entity.js';
import { Goal } from './goal.entity.js';
import { GoalsService } from './goals.service.js';

@Resolver(() => Goal)
export class GoalsResolver {
  constructor(
    private readonly goals: GoalsService,
    private readonly actionsService: ActionsService,
    private readonly agencies: AgenciesService,
    private readonly families: FamiliesService,
  ) {}

  @Mutation(() => Goal, { description: 'A new goal on an open plan, PROPOSED.' })
  @Policy('create', 'Goal')
  addGoal(@CurrentCaller() caller: Caller, @Args('input') input: AddGoalInput): Promise<Goal> {
    return this.goals.add(caller, input);
  }

  @Mutation(() => Goal, { description: 'Changes wording or status, or adds a progress note; a stale expectedVersion answers CONFLICT.' })
  @Policy('update', 'Goal')
  updateGoal(@CurrentCaller() caller: Caller, @Args('input') input: UpdateGoalInput): Promise<Goal> {
    return this.goals.update(caller, input);
  }

  @ResolveField(() => [Action])
  actions(@Parent() goal: Goal, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return readWith(goal, 'actions', () => this.actionsService.actionsOf(caller, loaders, goal.id));
  }

  @ResolveField(() => [GoalProgressNote])
  progressNotes(@Parent() goal: Goal, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.goals.progressNotesOf(caller, loaders, goal.id);
  }

  @ResolveField(() => [FamilyMember], { description: 'The family members the goal is about (none: see AddGoalInput.memberIds).' })
  async members(@Parent() goal: Goal, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    // Members the caller may not see stay out (a goal may concern several members).
    return this.families.visibleByIds(caller, loaders, await this.goals.memberIdsOf(caller, loaders, goal.id));
  }

  @ResolveField(() => Agency, { nullable: true, description: 'The owning agency when owner is AGENCY.' })
  ownerAgency(@Parent() goal: Goal, @Loaders() loaders: RequestLoaders) {
    return readWith(goal, 'ownerAgency', () => (goal.ownerAgencyId ? this.agencies.byId(loaders, goal.ownerAgencyId) : null));
  }
}

@Resolver(() => Plan)
export class PlanGoalsResolver {
  constructor(private readonly service: GoalsService) {}

  @ResolveField(() => [Goal])
  goals(@Parent() plan: Plan, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return readWith(plan, 'goals', () => this.service.goalsOf(caller, loaders, plan.id));
  }
}

@Resolver(() => GoalProgressNote)
export class GoalProgressNoteResolver {
  constructor(
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  @ResolveField(() => User)
  async author(@Parent() note: GoalProgressNote, @Loaders() loaders: RequestLoaders): Promise<User> {
    return (await this.users.byId(loaders, note.authorUserId))!;
  }

  @ResolveField(() => Agency, { description: 'The agency the author acted for.' })
  async authorAgency(@Parent() note: GoalProgressNote, @Loaders() loaders: RequestLoaders): Promise<Agency> {
    return (await this.agencies.byId(loaders, note.authorAgencyId))!;
  }
}
