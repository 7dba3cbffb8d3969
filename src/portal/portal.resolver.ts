import { Args, Field, Info, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ChecksPrincipalInRead, PrincipalNotConfirmed } from '../auth/principal-check.js';
import { forbidden } from '../common/errors.js';
import { CapacityAssessment } from '../consents/capacity-assessment.entity.js';
import { Consent } from '../consents/consent.entity.js';
import { ConsentsService } from '../consents/consents.service.js';
import { FamiliesService } from '../families/families.service.js';
import { FamilyMember } from '../families/family-member.entity.js';
import { Family } from '../families/family.entity.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { AccessLogConnection } from './access-log-entry.type.js';
import { AccessLogArgs } from './access-log.args.js';
import { AccessLogService } from './access-log.service.js';

/** What a family member sees of its own family in the portal. */
@ObjectType()
export class MyFamily {
  @Field(() => FamilyMember, { description: 'The member logged in.' })
  me: FamilyMember;

  @Field(() => Family, { description: 'With its open plan, members (what they share with you) and break-glass grants.' })
  family: Family;
}

@Resolver()
export class PortalResolver {
  constructor(
    private readonly families: FamiliesService,
    private readonly accessLogs: AccessLogService,
  ) {}

  @Query(() => MyFamily, { description: 'For a family member logged in to the portal.' })
  @Policy('read', 'Family')
  @ChecksPrincipalInRead()
  async myFamily(@CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders, @Info() info: GraphQLResolveInfo): Promise<MyFamily> {
    const member = caller.principal.familyMember;
    // A remembered principal is not refused on what it was (a login linked since): it is read anew first.
    if (!member && caller.principalCheck) throw new PrincipalNotConfirmed('refused on what it was');
    if (!member) throw forbidden('myFamily is for family members logged in to the portal');
    // Only the member and her family selected: one compiled statement (the consents are not compiled).
    const own = await this.families.compiledOwn(caller, member, info);
    if (own) return own as MyFamily;
    const [me, family] = await Promise.all([this.families.memberById(caller, loaders, member.memberId), this.families.get(caller, member.familyId)]);
    return { me: me!, family };
  }

  @Query(() => AccessLogConnection, { description: 'Who looked at the family’s data, when and why (newest first).' })
  @Policy('read', 'AuditEvent')
  @ChecksPrincipalInRead()
  accessLog(@CurrentCaller() caller: Caller, @Args() args: AccessLogArgs, @Info() info: GraphQLResolveInfo) {
    return this.accessLogs.list(caller, args.familyId, args, info);
  }
}

@Resolver(() => MyFamily)
export class MyFamilyResolver {
  constructor(private readonly service: ConsentsService) {}

  // A field of its own: the consents are read (and their reading audited) only when asked for.
  @ResolveField(() => [Consent], { description: 'The consents you gave, or that concern you or the children you speak for.' })
  consents(@Parent() mine: MyFamily, @CurrentCaller() caller: Caller) {
    return this.service.list(caller, mine.family.id);
  }

  @ResolveField(() => [Consent], {
    description: 'Consents a parent gave for you that stop (or stopped) at your 18th birthday unless you confirm them (confirmConsent).',
  })
  consentsToConfirm(@Parent() mine: MyFamily, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.service.toConfirmBy(caller, loaders, mine.me.id);
  }

  @ResolveField(() => [CapacityAssessment], {
    description: 'Recorded judgements whether you, or a member you speak for, can decide for themselves (newest first).',
  })
  capacityAssessments(@Parent() mine: MyFamily, @CurrentCaller() caller: Caller) {
    return this.service.assessmentsOf(caller, mine.family.id);
  }
}
