import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Policy } from '../policy/policy.decorator.js';
import { FindKnownFamilyInput, KnownFamily } from './dto/known-family.type.js';
import { RequestTeamParticipationInput, RespondToTeamParticipationInput, TeamParticipationRequest } from './dto/team-participation.type.js';
import { FamilyIdentityService } from './family-identity.service.js';

/**
 * Whether a family is known, and joining its team (docs/family-identity.md). Asked by those who register
 * families (caseworkers acting for an agency): the same policy as registerFamily, whose check it is.
 */
@Resolver()
export class FamilyIdentityResolver {
  constructor(private readonly service: FamilyIdentityService) {}

  @Query(() => KnownFamily, {
    description: 'Whether a family with this member is known, and which agencies are involved; never members or content. Audited, rate limited, shown to the family.',
  })
  @Policy('create', 'Family')
  findKnownFamily(@CurrentCaller() caller: Caller, @Args('input') input: FindKnownFamilyInput): Promise<KnownFamily> {
    return this.service.find(caller, input);
  }

  @Mutation(() => TeamParticipationRequest, { description: "Asks the supporter of a family found known that the caller's agency join its team." })
  @Policy('create', 'Family')
  requestTeamParticipation(@CurrentCaller() caller: Caller, @Args('input') input: RequestTeamParticipationInput): Promise<TeamParticipationRequest> {
    return this.service.requestParticipation(caller, input);
  }

  @Query(() => [TeamParticipationRequest], { description: 'Requests to join the team of a family the caller is the trajectory supporter of, waiting for her answer (at most 100, oldest first).' })
  @Policy('coordinate', 'Plan')
  pendingTeamParticipationRequests(@CurrentCaller() caller: Caller): Promise<TeamParticipationRequest[]> {
    return this.service.pending(caller);
  }

  @Mutation(() => TeamParticipationRequest, { description: "The family's trajectory supporter accepts or declines a request to join its team." })
  @Policy('coordinate', 'Plan')
  respondToTeamParticipation(@CurrentCaller() caller: Caller, @Args('input') input: RespondToTeamParticipationInput): Promise<TeamParticipationRequest> {
    return this.service.respond(caller, input);
  }
}
