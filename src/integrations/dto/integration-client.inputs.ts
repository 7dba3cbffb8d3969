import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { PageArgs } from '../../common/pagination.js';
import { ArrayMinSize, ArrayUnique, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { IntegrationClient, IntegrationScope } from '../integration-client.entity.js';

@InputType()
export class RegisterIntegrationClientInput {
  @Field(() => ID)
  @IsUUID()
  agencyId: string;

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @Field(() => [IntegrationScope])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(IntegrationScope, { each: true })
  scopes: IntegrationScope[];

  @Field(() => String, { nullable: true, description: 'Where referral status changes are POSTed (https).' })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  webhookUrl?: string;
}

@ObjectType()
export class RegisteredIntegrationClient {
  @Field(() => IntegrationClient)
  client: IntegrationClient;

  @Field({ description: 'Shown only now: keep it in the partner system. It authenticates the client and signs its webhooks.' })
  clientSecret: string;
}

@ArgsType()
export class IntegrationClientsArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  agencyId: string;
}

@InputType()
export class RevokeIntegrationClientInput {
  @Field(() => ID)
  @IsUUID()
  clientId: string;
}

@InputType()
export class RotateIntegrationClientSecretInput {
  @Field(() => ID)
  @IsUUID()
  clientId: string;

  @Field(() => Int, {
    defaultValue: 24,
    description: 'How long the replaced secret keeps working while the partner switches (0: at once, for a leaked secret; at most 168).',
  })
  @IsInt()
  @Min(0)
  @Max(168)
  keepPreviousHours: number;
}
