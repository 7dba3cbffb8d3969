import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

@InputType()
export class RequestErasureInput {
  @Field(() => ID, { description: 'The member whose personal data is to be erased: yourself in the portal, or the member a caseworker records the request for.' })
  @IsUUID()
  memberId: string;

  @Field(() => String, { nullable: true, description: 'Kept with a refused request until the family is erased; erased at once with a carried-out one.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
