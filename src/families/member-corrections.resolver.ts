import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { IdArg } from '../graphql/id-arg.js';
import { Policy } from '../policy/policy.decorator.js';
import { DecideMemberCorrectionInput, DeclineMemberCorrectionInput, RequestMemberCorrectionInput } from './dto/member-changes.inputs.js';
import { MemberCorrectionRequest } from './member-correction-request.entity.js';
import { MemberCorrectionsService } from './member-corrections.service.js';

@Resolver(() => MemberCorrectionRequest)
export class MemberCorrectionsResolver {
  constructor(private readonly corrections: MemberCorrectionsService) {}

  @Mutation(() => MemberCorrectionRequest, { description: 'In the portal: asks the team to correct her own details, or those of a child she speaks for.' })
  @Policy('requestCorrection', 'FamilyMember')
  requestMemberCorrection(@CurrentCaller() caller: Caller, @Args('input') input: RequestMemberCorrectionInput): Promise<MemberCorrectionRequest> {
    return this.corrections.request(caller, input);
  }

  @Mutation(() => MemberCorrectionRequest, { description: 'The team applies a requested correction (as updateFamilyMember).' })
  @Policy('update', 'FamilyMember')
  applyMemberCorrection(@CurrentCaller() caller: Caller, @Args('input') input: DecideMemberCorrectionInput): Promise<MemberCorrectionRequest> {
    return this.corrections.apply(caller, input);
  }

  @Mutation(() => MemberCorrectionRequest, { description: 'The team declines a requested correction, saying why.' })
  @Policy('update', 'FamilyMember')
  declineMemberCorrection(@CurrentCaller() caller: Caller, @Args('input') input: DeclineMemberCorrectionInput): Promise<MemberCorrectionRequest> {
    return this.corrections.decline(caller, input);
  }

  @Query(() => [MemberCorrectionRequest], { description: 'The correction requests about a member, newest first.' })
  @Policy('read', 'FamilyMember')
  memberCorrectionRequests(@CurrentCaller() caller: Caller, @IdArg('memberId') memberId: string): Promise<MemberCorrectionRequest[]> {
    return this.corrections.of(caller, memberId);
  }
}
