import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Family } from '../families/family.entity.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { BreakGlassGrant } from './break-glass-grant.entity.js';
import { BreakGlassService } from './break-glass.service.js';
import { BreakGlassInput, RevokeBreakGlassInput } from './dto/break-glass.inputs.js';

@Resolver(() => BreakGlassGrant)
export class BreakGlassResolver {
  constructor(
    private readonly service: BreakGlassService,
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  @Mutation(() => BreakGlassGrant, {
    description: 'Acute safety concerns only: opens the family’s data for at most 24 h, audited and shown to the family.',
  })
  @Policy('create', 'BreakGlassGrant')
  breakGlass(@CurrentCaller() caller: Caller, @Args('input') input: BreakGlassInput) {
    return this.service.grant(caller, input);
  }

  @Mutation(() => BreakGlassGrant)
  @Policy('update', 'BreakGlassGrant')
  revokeBreakGlass(@CurrentCaller() caller: Caller, @Args('input') input: RevokeBreakGlassInput) {
    return this.service.revoke(caller, input.grantId);
  }

  @ResolveField(() => User)
  async user(@Parent() grant: BreakGlassGrant, @Loaders() loaders: RequestLoaders): Promise<User> {
    return (await this.users.byId(loaders, grant.userId))!;
  }

  @ResolveField(() => Agency)
  async agency(@Parent() grant: BreakGlassGrant, @Loaders() loaders: RequestLoaders): Promise<Agency> {
    return (await this.agencies.byId(loaders, grant.agencyId))!;
  }
}

@Resolver(() => Family)
export class FamilyBreakGlassResolver {
  constructor(private readonly service: BreakGlassService) {}

  @ResolveField(() => [BreakGlassGrant], { description: 'Who broke the glass on this family, when and why.' })
  breakGlassGrants(@Parent() family: Family, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.service.grantsOf(caller, loaders, family.id);
  }
}
