import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class CreateNetworkInput extends Idempotent {
  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;
}
