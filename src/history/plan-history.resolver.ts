import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { PlanHistoryEntry } from './plan-history-entry.entity.js';

@Resolver(() => PlanHistoryEntry)
export class PlanHistoryResolver {
  constructor(
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  @ResolveField(() => User, { nullable: true })
  actor(@Parent() entry: PlanHistoryEntry, @Loaders() loaders: RequestLoaders) {
    return entry.actorUserId ? this.users.byId(loaders, entry.actorUserId) : null;
  }

  @ResolveField(() => Agency, { nullable: true })
  actingAgency(@Parent() entry: PlanHistoryEntry, @Loaders() loaders: RequestLoaders) {
    return entry.actingAgencyId ? this.agencies.byId(loaders, entry.actingAgencyId) : null;
  }
}
