import { Args, Field, Info, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
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

  @Field(() => [Consent], { description: 'The consents you gave, or that concern you or the children you speak for.' })
  consents: Consent[];
}

@Resolver()
export class PortalResolver {
  constructor(
    private readonly families: FamiliesService,
    private readonly consents: ConsentsService,
    private readonly accessLogs: AccessLogService,
  ) {}

  @Query(() => MyFamily, { description: 'For a family member logged in to the portal.' })
  @Policy('read', 'Family')
  async myFamily(@CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders): Promise<MyFamily> {
    const member = caller.principal.familyMember;
    if (!member) throw forbidden('myFamily is for family members logged in to the portal');
    const [me, family, consents] = await Promise.all([
      this.families.memberById(caller, loaders, member.memberId),
      this.families.get(caller, member.familyId),
      this.consents.list(caller, member.familyId),
    ]);
    return { me: me!, family, consents };
  }

  @Query(() => AccessLogConnection, { description: 'Who looked at the family’s data, when and why (newest first).' })
  @Policy('read', 'AuditEvent')
  accessLog(@CurrentCaller() caller: Caller, @Args() args: AccessLogArgs, @Info() info: GraphQLResolveInfo) {
    return this.accessLogs.list(caller, args.familyId, args, info);
  }
}

@Resolver(() => MyFamily)
export class MyFamilyResolver {
  constructor(private readonly consents: ConsentsService) {}

  @ResolveField(() => [Consent], {
    description: 'Consents a parent gave for you that stop (or stopped) at your 18th birthday unless you confirm them (confirmConsent).',
  })
  consentsToConfirm(@Parent() mine: MyFamily, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.consents.toConfirmBy(caller, loaders, mine.me.id);
  }

  @ResolveField(() => [CapacityAssessment], {
    description: 'Recorded judgements whether you, or a member you speak for, can decide for themselves (newest first).',
  })
  capacityAssessments(@Parent() mine: MyFamily, @CurrentCaller() caller: Caller) {
    return this.consents.assessmentsOf(caller, mine.family.id);
  }
}
