import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { readWith } from '../graphql/compiled-selection.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { User } from '../users/user.entity.js';
import { WorkContact, workContactOf } from '../users/work-contact.js';
import { UsersService } from '../users/users.service.js';
import { PlanParticipant } from './plan-participant.entity.js';
import { TrajectorySupporter } from './trajectory-supporter.entity.js';

@Resolver(() => TrajectorySupporter)
export class TrajectorySupporterResolver {
  constructor(
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  @ResolveField(() => User)
  user(@Parent() supporter: TrajectorySupporter, @Loaders() loaders: RequestLoaders): User | Promise<User> {
    return readWith(supporter, 'user', async () => (await this.users.byId(loaders, supporter.userId))!);
  }

  @ResolveField(() => WorkContact, { description: 'How the family and its team reach her at work.' })
  workContact(@Parent() supporter: TrajectorySupporter, @Loaders() loaders: RequestLoaders): WorkContact | Promise<WorkContact> {
    return readWith(supporter, 'workContact', async () => workContactOf((await this.users.byId(loaders, supporter.userId))!));
  }

  @ResolveField(() => Agency)
  agency(@Parent() supporter: TrajectorySupporter, @Loaders() loaders: RequestLoaders): Agency | Promise<Agency> {
    return readWith(supporter, 'agency', async () => (await this.agencies.byId(loaders, supporter.agencyId))!);
  }
}

@Resolver(() => PlanParticipant)
export class PlanParticipantResolver {
  constructor(private readonly agencies: AgenciesService) {}

  @ResolveField(() => Agency)
  agency(@Parent() participant: PlanParticipant, @Loaders() loaders: RequestLoaders): Agency | Promise<Agency> {
    return readWith(participant, 'agency', async () => (await this.agencies.byId(loaders, participant.agencyId))!);
  }
}
