import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { notFound } from '../common/errors.js';
import { FamiliesService } from '../families/families.service.js';
import { FamilyMember } from '../families/family-member.entity.js';
import { Loaders } from '../graphql/graphql-context.js';
import { IdArg } from '../graphql/id-arg.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { CapacityAssessment } from './capacity-assessment.entity.js';
import { Consent } from './consent.entity.js';
import { ConsentsService } from './consents.service.js';
import { AssessCapacityInput, ConfirmConsentInput, RecordConsentInput, RevokeConsentInput } from './dto/consent.inputs.js';

@Resolver(() => Consent)
export class ConsentsResolver {
  constructor(
    private readonly service: ConsentsService,
    private readonly families: FamiliesService,
    private readonly agencies: AgenciesService,
  ) {}

  @Query(() => [Consent], { description: 'Every consent of the family — active, revoked and expired.' })
  @Policy('read', 'Consent')
  consents(@CurrentCaller() caller: Caller, @IdArg('familyId') familyId: string) {
    return this.service.list(caller, familyId);
  }

  @Mutation(() => Consent)
  @Policy('create', 'Consent')
  recordConsent(@CurrentCaller() caller: Caller, @Args('input') input: RecordConsentInput) {
    return this.service.record(caller, input);
  }

  @Query(() => [Consent], {
    description: 'Consents a parent or caregiver gave for the member that the member must confirm as they turn 18 (or turned 18).',
  })
  @Policy('read', 'Consent')
  async consentsToConfirm(
    @CurrentCaller() caller: Caller,
    @Loaders() loaders: RequestLoaders,
    @IdArg('memberId') memberId: string,
  ) {
    if (!(await this.families.memberById(caller, loaders, memberId))) throw notFound('FamilyMember');
    return this.service.toConfirmBy(caller, loaders, memberId);
  }

  @Mutation(() => Consent, { description: 'A young adult takes over a consent a parent or caregiver gave for them.' })
  @Policy('create', 'Consent')
  confirmConsent(@CurrentCaller() caller: Caller, @Args('input') input: ConfirmConsentInput) {
    return this.service.confirm(caller, input);
  }

  @Mutation(() => Consent, { description: 'Takes effect on the very next request.' })
  @Policy('update', 'Consent')
  revokeConsent(@CurrentCaller() caller: Caller, @Args('input') input: RevokeConsentInput) {
    return this.service.revoke(caller, input);
  }

  @Mutation(() => CapacityAssessment, {
    description: 'Sets aside the presumption (capable from 12) for one member the caller may see; shown to the member and to who speaks for them.',
  })
  @Policy('assessCapacity', 'FamilyMember')
  assessCapacity(@CurrentCaller() caller: Caller, @Args('input') input: AssessCapacityInput) {
    return this.service.assessCapacity(caller, input);
  }

  @ResolveField(() => FamilyMember, { nullable: true, description: 'Null when the caller may not see this member.' })
  grantor(@Parent() consent: Consent, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.families.memberById(caller, loaders, consent.grantorMemberId);
  }

  @ResolveField(() => [ID], { description: 'The members whose data the consent covers.' })
  subjectMemberIds(@Parent() consent: Consent): string[] {
    return consent.subjectMemberIds;
  }

  @ResolveField(() => Agency, { nullable: true, description: 'Null for a consent to an organisation outside the platform (recipientDirectoryServiceId).' })
  async recipientAgency(@Parent() consent: Consent, @Loaders() loaders: RequestLoaders): Promise<Agency | null> {
    return consent.recipientAgencyId ? this.agencies.byId(loaders, consent.recipientAgencyId) : null;
  }

  @ResolveField(() => Date, { nullable: true })
  revokedAt(@Parent() consent: Consent): Date | null {
    return consent.revokedAt;
  }

  @ResolveField(() => String, { nullable: true })
  revocationReason(@Parent() consent: Consent): string | null {
    return consent.revocationReason;
  }
}


@Resolver(() => CapacityAssessment)
export class CapacityAssessmentResolver {
  constructor(
    private readonly families: FamiliesService,
    private readonly agencies: AgenciesService,
  ) {}

  @ResolveField(() => FamilyMember, { nullable: true, description: 'The member assessed; null when the caller may not see this member.' })
  member(@Parent() assessment: CapacityAssessment, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.families.memberById(caller, loaders, assessment.memberId);
  }

  @ResolveField(() => Agency, { description: 'The agency whose caseworker made the assessment.' })
  async assessingAgency(@Parent() assessment: CapacityAssessment, @Loaders() loaders: RequestLoaders): Promise<Agency> {
    return (await this.agencies.byId(loaders, assessment.assessedByAgencyId))!;
  }
}
