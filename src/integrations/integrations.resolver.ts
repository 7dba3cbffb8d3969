import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { Policy } from '../policy/policy.decorator.js';
import { RegisteredIntegrationClient, RegisterIntegrationClientInput } from './dto/integration-client.inputs.js';
import { IntegrationsService } from './integrations.service.js';

@Resolver()
export class IntegrationsResolver {
  constructor(private readonly integrations: IntegrationsService) {}

  @Mutation(() => RegisteredIntegrationClient, { description: "An agency admin registers its case system; the secret is shown once." })
  @Policy('create', 'IntegrationClient')
  registerIntegrationClient(@CurrentCaller() caller: Caller, @Args('input') input: RegisterIntegrationClientInput) {
    return this.integrations.register(caller, input);
  }
}
