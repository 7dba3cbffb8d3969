import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Policy } from '../policy/policy.decorator.js';
import { ConfirmFamilyMergeInput, DeclineFamilyMergeInput, PairFamilyMembersInput, ProposeFamilyMergeInput, WithdrawFamilyMergeInput } from './dto/family-merge.inputs.js';
import { FamilyMerge } from './family-merge.entity.js';
import { FamilyMergeService } from './family-merge.service.js';
import { FamilyMembersPaired } from './family-members-paired.js';

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

  @Mutation(() => FamilyMerge, { description: 'Who proposed the merge (or the network coordinator) withdraws it before it is confirmed.' })
  @Policy('merge', 'Family')
  withdrawFamilyMerge(@CurrentCaller() caller: Caller, @Args('input') input: WithdrawFamilyMergeInput): Promise<FamilyMerge> {
    return this.merges.withdraw(caller, input);
  }

  @Mutation(() => FamilyMerge, { description: "The other family's supporter (or the network coordinator) declines the proposal: the families stay apart." })
  @Policy('merge', 'Family')
  declineFamilyMerge(@CurrentCaller() caller: Caller, @Args('input') input: DeclineFamilyMergeInput): Promise<FamilyMerge> {
    return this.merges.decline(caller, input);
  }

  @Mutation(() => FamilyMembersPaired, {
    description:
      "The family's trajectory supporter found two records of the same member in one family: the absorbed record becomes the surviving member, " +
      'as a pair of a merge does (docs/family-merge.md).',
  })
  @Policy('merge', 'Family')
  pairFamilyMembers(@CurrentCaller() caller: Caller, @Args('input') input: PairFamilyMembersInput): Promise<FamilyMembersPaired> {
    return this.merges.pairMembers(caller, input);
  }

  @Query(() => [FamilyMerge], { description: 'The merges proposed for or with this family, newest first; for whoever may merge it.' })
  @Policy('merge', 'Family')
  familyMergeProposals(@CurrentCaller() caller: Caller, @Args('familyId', { type: () => ID }) familyId: string): Promise<FamilyMerge[]> {
    return this.merges.proposalsOf(caller, familyId);
  }
}
