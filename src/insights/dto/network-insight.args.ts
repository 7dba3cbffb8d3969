import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsDate, IsOptional, IsUUID } from 'class-validator';

@ArgsType()
export class NetworkInsightArgs {
  @Field(() => ID)
  @IsUUID()
  networkId: string;

  @Field({ nullable: true, description: 'Start of the period of the flow figures, inclusive (default: 12 months before `to`).' })
  @IsOptional()
  @IsDate()
  from?: Date;

  @Field({ nullable: true, description: 'End of the period, exclusive (default: now).' })
  @IsOptional()
  @IsDate()
  to?: Date;
}
