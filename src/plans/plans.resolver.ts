import { Args, Info, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ChecksPrincipalInRead } from '../auth/principal-check.js';
import { ConnectionType, PageArgs } from '../common/pagination.js';
import { FamiliesService } from '../families/families.service.js';
import { FamilyMember } from '../families/family-member.entity.js';
import { Family } from '../families/family.entity.js';
import { readWith } from '../graphql/compiled-selection.js';
import { Loaders } from '../graphql/graphql-context.js';
import { IdArg } from '../graphql/id-arg.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { PlanHistoryEntry } from '../history/plan-history-entry.entity.js';
import { PlanHistoryService } from '../history/plan-history.service.js';
import { Policy } from '../policy/policy.decorator.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import {
  ActivatePlanInput,
  AddPlanParticipantInput,
  AssignTrajectorySupporterInput,
  ClosePlanInput,
  ConfirmSupportHandoverInput,
  HandOverTrajectorySupportInput,
  ProposeFamilyMoveInput,
  OpenPlanInput,
  ReopenPlanInput,
  UpdatePlanInput,
  WithdrawFamilyMoveInput,
} from './dto/plan.inputs.js';
import { FamilyMoveStep } from './dto/family-move-step.type.js';
import { PlanParticipant } from './plan-participant.entity.js';
import { PlanTeamService } from './plan-team.service.js';
import { Plan } from './plan.entity.js';
import { PlansService } from './plans.service.js';
import { SupporterState, TrajectorySupporter } from './trajectory-supporter.entity.js';

@ObjectType()
export class PlanHistoryConnection extends ConnectionType(PlanHistoryEntry) {}

@Resolver(() => Plan)
export class PlansResolver {
  constructor(
    private readonly plans: PlansService,
    private readonly team: PlanTeamService,
    private readonly families: FamiliesService,
    private readonly planHistory: PlanHistoryService,
    private readonly users: UsersService,
  ) {}

  @Query(() => Plan)
  @Policy('read', 'Plan')
  @ChecksPrincipalInRead()
  plan(@CurrentCaller() caller: Caller, @IdArg('id') id: string, @Info() info: GraphQLResolveInfo): Promise<Plan> {
    return this.plans.get(caller, id, info);
  }

  @Mutation(() => Plan, { description: 'A second open plan for the family answers CONFLICT.' })
  @Policy('create', 'Plan')
  openPlan(@CurrentCaller() caller: Caller, @Args('input') input: OpenPlanInput) {
    return this.plans.open(caller, input);
  }

  @Mutation(() => Plan)
  @Policy('update', 'Plan')
  updatePlan(@CurrentCaller() caller: Caller, @Args('input') input: UpdatePlanInput) {
    return this.plans.update(caller, input);
  }

  @Mutation(() => Plan, { description: 'DRAFT → ACTIVE, by the trajectory supporter.' })
  @Policy('coordinate', 'Plan')
  activatePlan(@CurrentCaller() caller: Caller, @Args('input') input: ActivatePlanInput) {
    return this.plans.activate(caller, input);
  }

  @Mutation(() => Plan, { description: 'DRAFT or ACTIVE → CLOSED, with a reason code and the family members who agreed.' })
  @Policy('coordinate', 'Plan')
  closePlan(@CurrentCaller() caller: Caller, @Args('input') input: ClosePlanInput) {
    return this.plans.close(caller, input);
  }

  @Mutation(() => Plan, { description: 'A closed plan continues as a new DRAFT version.' })
  @Policy('create', 'Plan')
  reopenPlan(@CurrentCaller() caller: Caller, @Args('input') input: ReopenPlanInput) {
    return this.plans.reopen(caller, input);
  }

  @Mutation(() => Plan, { description: 'The first trajectory supporter of a plan.' })
  @Policy('update', 'Plan')
  assignTrajectorySupporter(@CurrentCaller() caller: Caller, @Args('input') input: AssignTrajectorySupporterInput) {
    return this.team.assignSupporter(caller, input);
  }

  @Mutation(() => Plan, { description: 'Warm handover of the supporter role: both stay on until the family confirms.' })
  @Policy('coordinate', 'Plan')
  handOverTrajectorySupport(@CurrentCaller() caller: Caller, @Args('input') input: HandOverTrajectorySupportInput) {
    return this.team.handOver(caller, input);
  }

  @Mutation(() => FamilyMoveStep, {
    description:
      'The family moves to another network and keeps its plan: a support handover to a caseworker there, ' +
      'which the family confirms with confirmSupportHandover (the family and its plan then belong to the new network). ' +
      "By the family's trajectory supporter or its network's coordinator.",
  })
  @Policy('move', 'Family')
  proposeFamilyMove(@CurrentCaller() caller: Caller, @Args('input') input: ProposeFamilyMoveInput) {
    return this.team.proposeMove(caller, input);
  }

  @Mutation(() => FamilyMoveStep, {
    description:
      'The supporter (or the network coordinator) takes a proposed move back before the family confirms it; the handover it started ends with it.',
  })
  @Policy('move', 'Family')
  withdrawFamilyMove(@CurrentCaller() caller: Caller, @Args('input') input: WithdrawFamilyMoveInput) {
    return this.team.withdrawMove(caller, input);
  }

  @Mutation(() => Plan, { description: "Records the family's agreement to the new supporter." })
  @Policy('confirmHandover', 'Plan')
  confirmSupportHandover(@CurrentCaller() caller: Caller, @Args('input') input: ConfirmSupportHandoverInput) {
    return this.team.confirmHandover(caller, input);
  }

  @Mutation(() => Plan)
  @Policy('coordinate', 'Plan')
  addPlanParticipant(@CurrentCaller() caller: Caller, @Args('input') input: AddPlanParticipantInput) {
    return this.team.addParticipant(caller, input);
  }

  @ResolveField(() => Family)
  async family(@Parent() plan: Plan, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.families.byId(caller, loaders, plan.familyId);
  }

  @ResolveField(() => TrajectorySupporter, { nullable: true })
  supporter(@Parent() plan: Plan, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return readWith(plan, 'supporter', async () => {
      const supporters = await this.team.supportersOf(caller, loaders, plan.id);
      return supporters.find((s) => s.state === SupporterState.CURRENT) ?? null;
    });
  }

  @ResolveField(() => TrajectorySupporter, { nullable: true, description: 'Taking over, until the family confirms.' })
  incomingSupporter(@Parent() plan: Plan, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return readWith(plan, 'incomingSupporter', async () => {
      const supporters = await this.team.supportersOf(caller, loaders, plan.id);
      return supporters.find((s) => s.state === SupporterState.INCOMING) ?? null;
    });
  }

  @ResolveField(() => [PlanParticipant])
  participants(@Parent() plan: Plan, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return readWith(plan, 'participants', () => this.team.participantsOf(caller, loaders, plan.id));
  }

  @ResolveField(() => User, { nullable: true, description: 'Who closed the plan.' })
  closedBy(@Parent() plan: Plan, @Loaders() loaders: RequestLoaders): User | null | Promise<User | null> {
    return readWith(plan, 'closedBy', () => (plan.closedByUserId ? this.users.byId(loaders, plan.closedByUserId) : null));
  }

  @ResolveField(() => [FamilyMember], { description: 'The family members who agreed to closing it (those the caller may see).' })
  async agreedBy(@Parent() plan: Plan, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders): Promise<FamilyMember[]> {
    const ids = await this.plans.agreedMemberIdsOf(loaders, plan.id);
    const members = await Promise.all(ids.map((id) => this.families.memberById(caller, loaders, id)));
    return members.filter((m): m is FamilyMember => m !== null);
  }

  @ResolveField(() => PlanHistoryConnection, { description: 'Who changed what on this plan, and when.' })
  history(@Parent() plan: Plan, @CurrentCaller() caller: Caller, @Args() page: PageArgs) {
    return this.planHistory.list(caller, plan.id, page);
  }
}

@Resolver(() => FamilyMoveStep)
export class FamilyMoveStepResolver {
  constructor(private readonly plans: PlansService) {}

  @ResolveField(() => Plan, { nullable: true, description: 'The plan moving with the family, if the caller may read it (the coordinator does not).' })
  plan(@Parent() step: FamilyMoveStep, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.plans.openPlanOf(caller, loaders, step.move.familyId);
  }
}

@Resolver(() => Family)
export class FamilyPlanResolver {
  constructor(private readonly plans: PlansService) {}

  @ResolveField(() => Plan, { nullable: true, description: 'The open (DRAFT or ACTIVE) plan.' })
  plan(@Parent() family: Family, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.plans.openPlanOf(caller, loaders, family.id);
  }
}
