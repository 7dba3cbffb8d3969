import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsString } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';

@ArgsType()
export class AgenciesArgs extends PageArgs {
  @Field(() => ID)
  @IsString()
  networkId: string;
}
