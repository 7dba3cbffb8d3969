import { Args, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ConnectionType } from '../common/pagination.js';
import { Policy } from '../policy/policy.decorator.js';
import {
  IntegrationClientsArgs,
  RegisteredIntegrationClient,
  RegisterIntegrationClientInput,
  RevokeIntegrationClientInput,
  RotateIntegrationClientSecretInput,
} from './dto/integration-client.inputs.js';
import { IntegrationClient } from './integration-client.entity.js';
import { IntegrationsService } from './integrations.service.js';

@ObjectType()
export class IntegrationClientConnection extends ConnectionType(IntegrationClient) {}

@Resolver()
export class IntegrationsResolver {
  constructor(private readonly integrations: IntegrationsService) {}

  @Query(() => IntegrationClientConnection, { description: "The agency's partner systems (for its admin), revoked ones included." })
  @Policy('read', 'IntegrationClient')
  integrationClients(@CurrentCaller() caller: Caller, @Args() args: IntegrationClientsArgs) {
    return this.integrations.list(caller, args);
  }

  @Mutation(() => RegisteredIntegrationClient, { description: "An agency admin registers its case system; the secret is shown once." })
  @Policy('create', 'IntegrationClient')
  registerIntegrationClient(@CurrentCaller() caller: Caller, @Args('input') input: RegisterIntegrationClientInput) {
    return this.integrations.register(caller, input);
  }

  @Mutation(() => RegisteredIntegrationClient, {
    description: 'A new secret for a partner system, shown once; the replaced one keeps working for keepPreviousHours (default 24).',
  })
  @Policy('update', 'IntegrationClient')
  rotateIntegrationClientSecret(@CurrentCaller() caller: Caller, @Args('input') input: RotateIntegrationClientSecretInput) {
    return this.integrations.rotateSecret(caller, input);
  }

  @Mutation(() => IntegrationClient, { description: 'Ends a partner system for good: its tokens stop working and its pending webhooks are not sent.' })
  @Policy('update', 'IntegrationClient')
  revokeIntegrationClient(@CurrentCaller() caller: Caller, @Args('input') input: RevokeIntegrationClientInput) {
    return this.integrations.revoke(caller, input.clientId);
  }
}
