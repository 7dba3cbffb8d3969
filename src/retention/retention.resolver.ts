import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Policy } from '../policy/policy.decorator.js';
import { RequestErasureInput } from './dto/request-erasure.input.js';
import { ErasureRequestsService } from './erasure-requests.service.js';
import { ErasureRequest } from './erasure-request.type.js';

@Resolver()
export class RetentionResolver {
  constructor(private readonly requests: ErasureRequestsService) {}

  @Mutation(() => ErasureRequest, {
    description:
      "Erases a family member's personal data at once (by the member in the portal, or recorded by a caseworker on the team). " +
      'Refused (FORBIDDEN, extensions.refusal) while the family has an open plan or a referral under way; the refusal is recorded.',
  })
  @Policy('erase', 'FamilyMember')
  requestErasure(@CurrentCaller() caller: Caller, @Args('input') input: RequestErasureInput): Promise<ErasureRequest> {
    return this.requests.request(caller, input);
  }
}
