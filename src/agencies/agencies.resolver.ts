import { Args, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ConnectionType } from '../common/pagination.js';
import { IdArg } from '../graphql/id-arg.js';
import { Policy } from '../policy/policy.decorator.js';
import { AgenciesService } from './agencies.service.js';
import { AgencyServiceArea } from './agency-service-area.entity.js';
import { Agency } from './agency.entity.js';
import { AgencyServiceAreaInput } from './dto/service-area.input.js';
import { AgenciesArgs } from './dto/agencies.args.js';
import { CreateAgencyInput } from './dto/create-agency.input.js';

@ObjectType()
export class AgencyConnection extends ConnectionType(Agency) {}

@Resolver(() => Agency)
export class AgenciesResolver {
  constructor(private readonly service: AgenciesService) {}

  @Mutation(() => Agency)
  @Policy('create', 'Agency')
  createAgency(@CurrentCaller() caller: Caller, @Args('input') input: CreateAgencyInput): Promise<Agency> {
    return this.service.create(caller, input);
  }

  @Mutation(() => AgencyServiceArea, { description: 'Admits an agency of another network to serve a network the caller coordinates.' })
  @Policy('create', 'Agency')
  admitAgencyServiceArea(@CurrentCaller() caller: Caller, @Args('input') input: AgencyServiceAreaInput): Promise<AgencyServiceArea> {
    return this.service.admitServiceArea(caller, input);
  }

  @Mutation(() => AgencyServiceArea, { description: 'Ends a service area: the agency stops working in the network at once.' })
  @Policy('create', 'Agency')
  endAgencyServiceArea(@CurrentCaller() caller: Caller, @Args('input') input: AgencyServiceAreaInput): Promise<AgencyServiceArea> {
    return this.service.endServiceArea(caller, input);
  }

  @Query(() => AgencyConnection)
  @Policy('read', 'Agency')
  agencies(@CurrentCaller() caller: Caller, @Args() args: AgenciesArgs) {
    return this.service.list(caller, args.networkId, args);
  }

  @Query(() => Agency)
  @Policy('read', 'Agency')
  agency(@CurrentCaller() caller: Caller, @IdArg('id') id: string): Promise<Agency> {
    return this.service.get(caller, id);
  }
}
