import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { LifeDomain } from '../../goals/life-domain.js';

@InputType()
export class ProposeTransitionChecklistInput {
  @Field(() => ID)
  @IsUUID()
  planId: string;

  @Field(() => ID, { description: 'The member turning 18.' })
  @IsUUID()
  memberId: string;

  @Field(() => LifeDomain, { nullable: true, description: 'The life domain of the checklist goal (default SOCIAL_NETWORK).' })
  @IsOptional()
  @IsEnum(LifeDomain)
  lifeDomain?: LifeDomain;
}
