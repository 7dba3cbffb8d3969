import { Field, ID, InputType } from '@nestjs/graphql';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class AddActionInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  goalId: string;

  @Field()
  @IsString()
  @Matches(/\S/, { message: 'title must not be blank' })
  @MaxLength(500)
  title: string;

  @Field(() => ID, { nullable: true, description: "Someone on the family's team. Give exactly one assignee." })
  @IsOptional()
  @IsUUID()
  assigneeUserId?: string;

  @Field(() => ID, { nullable: true, description: 'A member of the family. Give exactly one assignee.' })
  @IsOptional()
  @IsUUID()
  assigneeMemberId?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD.' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date as YYYY-MM-DD' })
  // The pattern fixes the shape; strict ISO 8601 rejects dates that do not exist, such as 2025-02-30.
  @IsISO8601({ strict: true }, { message: 'dueDate must be a date as YYYY-MM-DD' })
  dueDate?: string;
}

@InputType()
export class CompleteActionInput {
  @Field(() => ID)
  @IsUUID()
  actionId: string;
}

@InputType()
export class CancelActionInput {
  @Field(() => ID)
  @IsUUID()
  actionId: string;
}
