import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';

@ArgsType()
export class AgenciesArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  networkId: string;
}
