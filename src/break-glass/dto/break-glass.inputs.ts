import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsJustification } from '../../graphql/text-rules.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class BreakGlassInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  familyId: string;

  @Field({ description: 'The acute safety concern, in words the family will read afterwards (at least 20 characters).' })
  @IsString()
  @IsJustification(20)
  @MaxLength(2000)
  justification: string;

  @Field(() => Int, { nullable: true, description: 'How long, 1 to 24 hours (default 24).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24)
  hours?: number;
}

@InputType()
export class RevokeBreakGlassInput {
  @Field(() => ID)
  @IsUUID()
  grantId: string;
}
