import { Args, Info, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ChecksPrincipalInRead } from '../auth/principal-check.js';
import { ConnectionType } from '../common/pagination.js';
import { readWith } from '../graphql/compiled-selection.js';
import { Loaders } from '../graphql/graphql-context.js';
import { IdArg } from '../graphql/id-arg.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { FamiliesArgs } from './dto/families.args.js';
import { AddFamilyMemberInput, RegisterFamilyInput } from './dto/register-family.input.js';
import { FamiliesService } from './families.service.js';
import { FamilyMember } from './family-member.entity.js';
import { Family } from './family.entity.js';

@ObjectType()
export class FamilyConnection extends ConnectionType(Family) {}

@Resolver(() => Family)
export class FamiliesResolver {
  constructor(private readonly service: FamiliesService) {}

  @Mutation(() => Family, { description: "Registers a family; the caller's agency is assigned to it." })
  @Policy('create', 'Family')
  registerFamily(@CurrentCaller() caller: Caller, @Args('input') input: RegisterFamilyInput): Promise<Family> {
    return this.service.register(caller, input);
  }

  @Mutation(() => FamilyMember)
  @Policy('update', 'Family')
  addFamilyMember(@CurrentCaller() caller: Caller, @Args('input') input: AddFamilyMemberInput): Promise<FamilyMember> {
    return this.service.addMember(caller, input);
  }

  @Query(() => FamilyConnection, { description: 'Only the families the caller may see.' })
  @Policy('read', 'Family')
  @ChecksPrincipalInRead()
  families(@CurrentCaller() caller: Caller, @Args() args: FamiliesArgs, @Info() info: GraphQLResolveInfo) {
    return this.service.list(caller, args, info);
  }

  @Query(() => Family)
  @Policy('read', 'Family')
  @ChecksPrincipalInRead()
  family(@CurrentCaller() caller: Caller, @IdArg('id') id: string, @Info() info: GraphQLResolveInfo): Promise<Family> {
    return this.service.get(caller, id, info);
  }

  @ResolveField(() => [FamilyMember])
  members(@Parent() family: Family, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return readWith(family, 'members', () => this.service.membersOf(caller, loaders, family.id));
  }
}
