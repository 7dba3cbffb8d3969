import { Args, Query, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Policy } from '../policy/policy.decorator.js';
import { NetworkInsightArgs } from './dto/network-insight.args.js';
import { NetworkInsight } from './network-insight.type.js';
import { NetworkInsightService } from './network-insight.service.js';

@Resolver(() => NetworkInsight)
export class NetworkInsightResolver {
  constructor(private readonly service: NetworkInsightService) {}

  @Query(() => NetworkInsight, {
    description: 'Aggregate figures of a network for its coordinators, without personal data; counts of 1 to 4 are suppressed.',
  })
  @Policy('readInsights', 'Network')
  networkInsight(@CurrentCaller() caller: Caller, @Args() args: NetworkInsightArgs): Promise<NetworkInsight> {
    return this.service.of(caller, args);
  }
}
