import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { FamilyMember } from '../families/family-member.entity.js';
import { FamiliesService } from '../families/families.service.js';
import { readWith } from '../graphql/compiled-selection.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { Action } from './action.entity.js';
import { ActionsService } from './actions.service.js';
import { AddActionInput, CancelActionInput, CompleteActionInput } from './dto/action.inputs.js';

@Resolver(() => Action)
export class ActionsResolver {
  constructor(
    private readonly actions: ActionsService,
    private readonly users: UsersService,
    private readonly families: FamiliesService,
  ) {}

  @Mutation(() => Action, { description: 'A step under a goal, for one team member or one family member.' })
  @Policy('create', 'Action')
  addAction(@CurrentCaller() caller: Caller, @Args('input') input: AddActionInput): Promise<Action> {
    return this.actions.add(caller, input);
  }

  @Mutation(() => Action, { description: 'OPEN → DONE.' })
  @Policy('update', 'Action')
  completeAction(@CurrentCaller() caller: Caller, @Args('input') input: CompleteActionInput): Promise<Action> {
    return this.actions.complete(caller, input.actionId);
  }

  @Mutation(() => Action, { description: 'OPEN → CANCELLED.' })
  @Policy('update', 'Action')
  cancelAction(@CurrentCaller() caller: Caller, @Args('input') input: CancelActionInput): Promise<Action> {
    return this.actions.cancel(caller, input.actionId);
  }

  @ResolveField(() => User, { nullable: true, description: "Set when the action is for someone on the family's team." })
  assigneeUser(@Parent() action: Action, @Loaders() loaders: RequestLoaders) {
    return readWith(action, 'assigneeUser', () => (action.assigneeUserId ? this.users.byId(loaders, action.assigneeUserId) : null));
  }

  @ResolveField(() => FamilyMember, { nullable: true, description: 'Set when the action is for a family member.' })
  assigneeMember(@Parent() action: Action, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return action.assigneeMemberId ? this.families.memberById(caller, loaders, action.assigneeMemberId) : null;
  }
}
