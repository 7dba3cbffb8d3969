import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsUUID, Min } from 'class-validator';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class ProposeFamilyMergeInput extends Idempotent {
  @Field(() => ID, { description: 'The family that goes on.' })
  @IsUUID()
  survivingFamilyId: string;

  @Field(() => ID, { description: 'The other registration of the same family, merged into the surviving one.' })
  @IsUUID()
  absorbedFamilyId: string;
}

/** Confirms, withdraws or declines one proposal. */
@InputType({ isAbstract: true })
abstract class FamilyMergeDecision extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  mergeId: string;

  @Field(() => Int, { nullable: true, description: 'The version seen; another answers CONFLICT.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

@InputType()
export class ConfirmFamilyMergeInput extends FamilyMergeDecision {}

@InputType()
export class WithdrawFamilyMergeInput extends FamilyMergeDecision {}

@InputType()
export class DeclineFamilyMergeInput extends FamilyMergeDecision {}
