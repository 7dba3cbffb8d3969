import { Args, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ConnectionType, PageArgs } from '../common/pagination.js';
import { Consent } from '../consents/consent.entity.js';
import { ConsentsService } from '../consents/consents.service.js';
import { Goal } from '../goals/goal.entity.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Plan } from '../plans/plan.entity.js';
import { PlansService } from '../plans/plans.service.js';
import { Policy } from '../policy/policy.decorator.js';
import { AdulthoodTransition } from './adulthood-transition.type.js';
import { ProposeTransitionChecklistInput } from './dto/transition.inputs.js';
import { TransitionsService } from './transitions.service.js';

@ObjectType()
export class AdulthoodTransitionConnection extends ConnectionType(AdulthoodTransition) {}

@Resolver(() => AdulthoodTransition)
export class TransitionsResolver {
  constructor(
    private readonly transitions: TransitionsService,
    private readonly plans: PlansService,
    private readonly consents: ConsentsService,
  ) {}

  @Query(() => AdulthoodTransitionConnection, {
    description:
      'Members of the active plans you support who turn 18 within the horizon (TRANSITION_HORIZON_MONTHS), or turned 18 with consents still to confirm.',
  })
  @Policy('coordinate', 'Plan')
  upcomingTransitions(@CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders, @Args() page: PageArgs) {
    return this.transitions.upcoming(caller, loaders, page);
  }

  @Mutation(() => Goal, { description: 'Proposes the transition-to-18 checklist goal for a member, by the plan’s supporter.' })
  @Policy('coordinate', 'Plan')
  proposeTransitionChecklist(@CurrentCaller() caller: Caller, @Args('input') input: ProposeTransitionChecklistInput) {
    return this.transitions.proposeChecklist(caller, input);
  }

  @ResolveField(() => Plan, { nullable: true })
  plan(@Parent() transition: AdulthoodTransition, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.plans.openPlanOf(caller, loaders, transition.member.familyId);
  }

  @ResolveField(() => Goal, { nullable: true, description: 'The checklist goal, once proposed.' })
  checklistGoal(@Parent() transition: AdulthoodTransition, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.transitions.checklistOf(caller, loaders, transition.member.id);
  }

  @ResolveField(() => [Consent], { description: 'Consents a parent gave for the member, which the member is to confirm.' })
  consentsToConfirm(@Parent() transition: AdulthoodTransition, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.consents.toConfirmBy(caller, loaders, transition.member.id);
  }
}
