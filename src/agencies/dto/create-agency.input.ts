import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { AgencyKind } from '../agency-kind.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class CreateAgencyInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  networkId: string;

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @Field(() => AgencyKind)
  @IsEnum(AgencyKind)
  kind: AgencyKind;
}
