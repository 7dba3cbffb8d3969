import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { GoalOwner } from '../goal-owner.js';
import { GoalStatus } from '../goal-status.js';
import { LifeDomain } from '../life-domain.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

/** Who may read a goal follows the members it names (subjects.ts, Goal). */
const MEMBERS =
  'The family members the goal is about (its actions and progress notes too). Naming nobody, a HEALTH or SAFETY goal ' +
  "is for the family's team only (not shown in the portal), any other goal is the whole family's.";

@InputType()
export class AddGoalInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  planId: string;

  @Field(() => LifeDomain)
  @IsEnum(LifeDomain)
  lifeDomain: LifeDomain;

  @Field({ description: "The goal in the family's own words." })
  @IsString()
  @Matches(/\S/, { message: 'description must not be blank' })
  @MaxLength(2000)
  description: string;

  @Field(() => GoalOwner)
  @IsEnum(GoalOwner)
  owner: GoalOwner;

  @Field(() => ID, { nullable: true, description: 'Required when owner is AGENCY: an agency of the same network.' })
  @IsOptional()
  @IsUUID()
  ownerAgencyId?: string;

  @Field(() => [ID], { nullable: true, description: MEMBERS })
  @IsOptional()
  @ArrayMaxSize(30)
  @IsUUID('all', { each: true })
  memberIds?: string[];
}

@InputType()
export class UpdateGoalInput {
  @Field(() => ID)
  @IsUUID()
  goalId: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'description must not be blank' })
  @MaxLength(2000)
  description?: string;

  @Field(() => GoalStatus, { nullable: true, description: 'PROPOSED → ACTIVE | DISCONTINUED, ACTIVE → ACHIEVED | DISCONTINUED.' })
  @IsOptional()
  @IsEnum(GoalStatus)
  status?: GoalStatus;

  @Field(() => String, { nullable: true, description: 'Appended to the goal as a progress note.' })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'progressNote must not be blank' })
  @MaxLength(10000)
  progressNote?: string;

  @Field(() => [ID], { nullable: true, description: `${MEMBERS} Replaces the members named before; [] names nobody.` })
  @IsOptional()
  @ArrayMaxSize(30)
  @IsUUID('all', { each: true })
  memberIds?: string[];
}
