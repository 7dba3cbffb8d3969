import { Args, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/agency.entity.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ConnectionType } from '../common/pagination.js';
import { Loaders } from '../graphql/graphql-context.js';
import { IdArg } from '../graphql/id-arg.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { DirectoryService } from './directory-service.entity.js';
import { DirectoryServicesService } from './directory.service.js';
import { CreateDirectoryServiceInput, DirectoryServicesArgs, UpdateDirectoryServiceInput } from './dto/directory.inputs.js';

@ObjectType()
export class DirectoryServiceConnection extends ConnectionType(DirectoryService) {}

@Resolver(() => DirectoryService)
export class DirectoryResolver {
  constructor(
    private readonly service: DirectoryServicesService,
    private readonly agencies: AgenciesService,
  ) {}

  @Mutation(() => DirectoryService, { description: 'Adds a service to the directory: coordinators for any organisation, agency admins for their own agency.' })
  @Policy('create', 'DirectoryService')
  createDirectoryService(@CurrentCaller() caller: Caller, @Args('input') input: CreateDirectoryServiceInput): Promise<DirectoryService> {
    return this.service.create(caller, input);
  }

  @Mutation(() => DirectoryService, { description: 'Replaces what a directory service says.' })
  @Policy('update', 'DirectoryService')
  updateDirectoryService(@CurrentCaller() caller: Caller, @Args('input') input: UpdateDirectoryServiceInput): Promise<DirectoryService> {
    return this.service.update(caller, input);
  }

  @Mutation(() => DirectoryService, { description: 'Takes a service out of the directory; the search no longer finds it.' })
  @Policy('update', 'DirectoryService')
  archiveDirectoryService(@CurrentCaller() caller: Caller, @IdArg('id') id: string): Promise<DirectoryService> {
    return this.service.archive(caller, id);
  }

  @Query(() => DirectoryServiceConnection, { description: "Searches the network's directory of services, best match first." })
  @Policy('read', 'DirectoryService')
  services(@CurrentCaller() caller: Caller, @Args() args: DirectoryServicesArgs) {
    return this.service.search(caller, args);
  }

  @Query(() => DirectoryService)
  @Policy('read', 'DirectoryService')
  directoryService(@CurrentCaller() caller: Caller, @IdArg('id') id: string): Promise<DirectoryService> {
    return this.service.get(caller, id);
  }

  /** The agency that offers it (organisations are not personal data; the service was read under the policy). */
  @ResolveField(() => Agency, { nullable: true })
  agency(@Parent() service: DirectoryService, @Loaders() loaders: RequestLoaders): Promise<Agency | null> | null {
    return service.agencyId ? this.agencies.byId(loaders, service.agencyId) : null;
  }

  @ResolveField(() => String, { description: "The organisation's name: the agency's, or the one outside the platform." })
  async organisationName(@Parent() service: DirectoryService, @Loaders() loaders: RequestLoaders): Promise<string> {
    if (service.externalOrganisation !== null) return service.externalOrganisation;
    return (await this.agencies.byId(loaders, service.agencyId!))!.name;
  }
}
