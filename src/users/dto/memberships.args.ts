import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';

@ArgsType()
export class MembershipsArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  agencyId: string;
}
