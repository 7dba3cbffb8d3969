import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { FamiliesService } from './families.service.js';
import { FamilyMember } from './family-member.entity.js';

/**
 * A member's contact details: asked for apart from the member, under the CONTACT right, so that a list
 * of members reads no contact data unless a client asks for it, and each read of it is audited as such.
 */
@Resolver(() => FamilyMember)
export class FamilyMemberResolver {
  constructor(private readonly families: FamiliesService) {}

  @ResolveField(() => String, { nullable: true, description: 'Null without the CONTACT right (consent of the member).' })
  async email(@Parent() member: FamilyMember, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders): Promise<string | null> {
    return (await this.families.contactOf(caller, loaders, member.id))?.email ?? null;
  }

  @ResolveField(() => String, { nullable: true, description: 'Null without the CONTACT right (consent of the member).' })
  async phone(@Parent() member: FamilyMember, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders): Promise<string | null> {
    return (await this.families.contactOf(caller, loaders, member.id))?.phone ?? null;
  }

  @ResolveField(() => String, { nullable: true, description: 'BCP 47 language tag, e.g. nl, fr, ar. Null without the CONTACT right.' })
  async preferredLanguage(@Parent() member: FamilyMember, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders): Promise<string | null> {
    return (await this.families.contactOf(caller, loaders, member.id))?.preferredLanguage ?? null;
  }
}
