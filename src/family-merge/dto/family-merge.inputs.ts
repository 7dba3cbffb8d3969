import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsUUID, Min, ValidateNested } from 'class-validator';
import { MemberPair } from '../../families/member-pair.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class ProposeFamilyMergeInput extends Idempotent {
  @Field(() => ID, { description: 'The family that goes on.' })
  @IsUUID()
  survivingFamilyId: string;

  @Field(() => ID, { description: 'The other registration of the same family, merged into the surviving one.' })
  @IsUUID()
  absorbedFamilyId: string;

  @Field(() => [MemberPair], {
    nullable: true,
    description:
      'Members of the two registrations that are the same person, stated by the proposer (each of her own family a member she may read), ' +
      'confirmed with the proposal: on the merge each absorbed member becomes the surviving member she is paired with.',
  })
  @IsOptional()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => MemberPair)
  memberPairs?: MemberPair[];
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

/** Two records of the same person in one family (docs/family-merge.md, "Pairs within one family"). */
@InputType()
export class PairFamilyMembersInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  familyId: string;

  @Field(() => ID, { description: 'The record that ends: every record naming her names the surviving member.' })
  @IsUUID()
  absorbedMemberId: string;

  @Field(() => ID, { description: 'The member that goes on.' })
  @IsUUID()
  survivingMemberId: string;

  @Field(() => Int, { description: "The surviving member's version seen; another answers CONFLICT." })
  @IsInt()
  @Min(1)
  expectedVersion: number;
}
