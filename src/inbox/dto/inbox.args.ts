import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';
import { MAX_PAGE_SIZE, PageArgs } from '../../common/pagination.js';

@ArgsType()
export class InboxArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only the items not marked read yet.' })
  @IsOptional()
  @IsBoolean()
  unreadOnly?: boolean;
}

@InputType()
export class MarkInboxItemsReadInput {
  @Field(() => [ID], { description: `1 to ${MAX_PAGE_SIZE} of your inbox items; any other id answers NOT_FOUND and marks none.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PAGE_SIZE)
  @IsString({ each: true })
  ids: string[];
}
