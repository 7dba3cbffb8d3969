import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Policy } from '../policy/policy.decorator.js';
import { ConfirmFamilyMergeInput, ProposeFamilyMergeInput } from './dto/family-merge.inputs.js';
import { FamilyMerge } from './family-merge.entity.js';
import { FamilyMergeService } from './family-merge.service.js';

@Resolver(() => FamilyMerge)
export class FamilyMergeResolver {
  constructor(private readonly merges: FamilyMergeService) {}

  @Mutation(() => FamilyMerge, {
    description:
      "Proposes that two registrations of the same family become one: by one family's trajectory supporter (PROPOSED, " +
      'the other family\'s supporter confirms), or merged at once by who may merge both (the network coordinator).',
  })
  @Policy('merge', 'Family')
  proposeFamilyMerge(@CurrentCaller() caller: Caller, @Args('input') input: ProposeFamilyMergeInput): Promise<FamilyMerge> {
    return this.merges.propose(caller, input);
  }

  @Mutation(() => FamilyMerge, { description: "The other family's supporter (or the network coordinator) confirms: the families merge." })
  @Policy('merge', 'Family')
  confirmFamilyMerge(@CurrentCaller() caller: Caller, @Args('input') input: ConfirmFamilyMergeInput): Promise<FamilyMerge> {
    return this.merges.confirm(caller, input);
  }
}
