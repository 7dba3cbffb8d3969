import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';
import { WebhookDeliveryState } from '../webhook-delivery.entity.js';

@ArgsType()
export class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  clientId: string;

  @Field(() => WebhookDeliveryState, { nullable: true })
  @IsOptional()
  @IsEnum(WebhookDeliveryState)
  state?: WebhookDeliveryState;
}

@InputType()
export class RedeliverWebhookInput {
  @Field(() => ID)
  @IsUUID()
  deliveryId: string;
}
