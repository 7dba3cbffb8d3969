import { Field, ID, InputType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';

/** A regional agency and a network it is to serve (or stop serving). */
@InputType()
export class AgencyServiceAreaInput {
  @Field(() => ID)
  @IsUUID()
  agencyId: string;

  @Field(() => ID, { description: 'The network served: one the caller coordinates, not the agency’s own.' })
  @IsUUID()
  networkId: string;
}
