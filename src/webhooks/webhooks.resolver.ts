import { Args, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ConnectionType } from '../common/pagination.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { Policy } from '../policy/policy.decorator.js';
import { RedeliverWebhookInput, WebhookDeliveriesArgs } from './dto/webhook.inputs.js';
import { WebhookAttempt, WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhooksService } from './webhooks.service.js';

@ObjectType()
export class WebhookDeliveryConnection extends ConnectionType(WebhookDelivery) {}

@Resolver(() => WebhookDelivery)
export class WebhooksResolver {
  constructor(private readonly webhooks: WebhooksService) {}

  @Query(() => WebhookDeliveryConnection, { description: "The webhooks sent to one of the agency's partner systems, with every attempt (for its admin)." })
  @Policy('read', 'IntegrationClient')
  webhookDeliveries(@CurrentCaller() caller: Caller, @Args() args: WebhookDeliveriesArgs) {
    return this.webhooks.deliveries(caller, args);
  }

  @Mutation(() => WebhookDelivery, { description: 'Queues a FAILED delivery again, with a fresh set of retries.' })
  @Policy('update', 'IntegrationClient')
  redeliverWebhook(@CurrentCaller() caller: Caller, @Args('input') input: RedeliverWebhookInput) {
    return this.webhooks.redeliver(caller, input.deliveryId);
  }

  @ResolveField(() => [WebhookAttempt])
  attemptLog(@Parent() delivery: WebhookDelivery, @Loaders() loaders: RequestLoaders) {
    return this.webhooks.attemptsOf(loaders, delivery.id);
  }

  @ResolveField(() => String, { description: 'The exact JSON body POSTed and signed.' })
  body(@Parent() delivery: WebhookDelivery, @Loaders() loaders: RequestLoaders) {
    return this.webhooks.bodyOf(loaders, delivery.eventId);
  }
}
