import { ArgsType, Field } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';

@ArgsType()
export class FamiliesArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: "Part of a member's given or family name." })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  search?: string;
}
