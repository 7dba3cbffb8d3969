import { Field, ID, InputType, Int, IntersectionType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { ConsentEvidenceInput } from '../../consents/dto/consent.inputs.js';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { CloseReasonCode } from '../close-reason-code.js';
import { Idempotent, WithIdempotencyKey } from '../../idempotency/idempotent.input.js';

/** Plan mutations may carry the version the client saw; a stale one answers CONFLICT. */
@InputType({ isAbstract: true })
class PlanRef {
  @Field(() => ID)
  @IsUUID()
  planId: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

@InputType()
export class OpenPlanInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  familyId: string;

  @Field({ description: "The family's situation and wishes, in its own words." })
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  summary: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  strengths?: string;
}

@InputType()
export class UpdatePlanInput extends PlanRef {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  summary?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  strengths?: string;
}

@InputType()
export class ActivatePlanInput extends PlanRef {}

@InputType()
export class ClosePlanInput extends PlanRef {
  @Field(() => CloseReasonCode, { nullable: true, description: 'OTHER when absent (clients that send only the reason in words).' })
  @IsOptional()
  @IsEnum(CloseReasonCode)
  reasonCode?: CloseReasonCode;

  @Field(() => String, { nullable: true, description: 'The reason in words; required with OTHER.' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  reason?: string;

  @Field(() => [ID], {
    nullable: true,
    description:
      'The family members who agreed to closing: each decides for themselves, or is an adult parent or caregiver. ' +
      'None when the family could not be asked (it moved away, stopped contact): the plan then records that nobody agreed.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  agreedByMemberIds?: string[];
}

@InputType()
export class ReopenPlanInput extends PlanRef {
  @Field(() => String, { nullable: true, description: 'Defaults to the closed plan’s summary.' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(10000)
  summary?: string;
}

@InputType()
export class AssignTrajectorySupporterInput extends PlanRef {
  @Field(() => ID, { description: 'A caseworker assigned to the family.' })
  @IsUUID()
  userId: string;
}

@InputType()
export class HandOverTrajectorySupportInput extends PlanRef {
  @Field(() => ID, { description: 'A caseworker assigned to the family.' })
  @IsUUID()
  toUserId: string;
}

/**
 * The family agreed to the new supporter: in the portal (FAMILY_PORTAL, the member for herself), or as
 * recorded by another member of the team with how it was given and where the evidence is kept.
 */
@InputType()
export class ConfirmSupportHandoverInput extends IntersectionType(PlanRef, ConsentEvidenceInput) {
  @Field(() => ID, { description: 'The family member (adult or 12+) who agreed to the new supporter.' })
  @IsUUID()
  confirmedByMemberId: string;
}

@InputType()
export class AddPlanParticipantInput extends WithIdempotencyKey(PlanRef) {
  @Field(() => ID)
  @IsUUID()
  agencyId: string;

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  contribution: string;
}

/**
 * The family moves to another network and keeps its plan: the supporter proposes it with the caseworker who
 * is to support the family there, and the family confirms it as a support handover (confirmSupportHandover).
 */
@InputType()
export class WithdrawFamilyMoveInput {
  @Field(() => ID)
  @IsUUID()
  familyId: string;

  @Field(() => Int, { nullable: true, description: "The plan's version the client saw; a stale one answers CONFLICT." })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

@InputType()
export class ProposeFamilyMoveInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  familyId: string;

  @Field(() => ID, { description: 'The network the family moves to.' })
  @IsUUID()
  toNetworkId: string;

  @Field(() => ID, { description: 'A caseworker of newSupporterAgencyId, who leads the plan once the family confirms.' })
  @IsUUID()
  newSupporterUserId: string;

  @Field(() => ID, { description: 'An agency working in the new network (its own, or one it serves).' })
  @IsUUID()
  newSupporterAgencyId: string;

  @Field(() => Int, { nullable: true, description: "The plan's version the client saw; a stale one answers CONFLICT." })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}
