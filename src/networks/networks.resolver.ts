import { Args, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ConnectionType, PageArgs } from '../common/pagination.js';
import { Policy } from '../policy/policy.decorator.js';
import { CreateNetworkInput } from './dto/create-network.input.js';
import { Network } from './network.entity.js';
import { NetworksService } from './networks.service.js';

@ObjectType()
export class NetworkConnection extends ConnectionType(Network) {}

@Resolver(() => Network)
export class NetworksResolver {
  constructor(private readonly service: NetworksService) {}

  @Mutation(() => Network)
  @Policy('create', 'Network')
  createNetwork(@CurrentCaller() caller: Caller, @Args('input') input: CreateNetworkInput): Promise<Network> {
    return this.service.create(caller, input);
  }

  @Query(() => NetworkConnection, { description: 'Networks the caller administers or works in.' })
  @Policy('read', 'Network')
  networks(@CurrentCaller() caller: Caller, @Args() page: PageArgs) {
    return this.service.list(caller, page);
  }
}
