import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';

@InputType()
export class CreateNetworkInput {
  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;
}
