import { Field, ID, InputType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class AssignCaseInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  familyId: string;

  @Field(() => ID, { description: 'A caseworker or volunteer of the acting agency.' })
  @IsUUID()
  userId: string;
}

@InputType()
export class EndCaseAssignmentInput {
  @Field(() => ID)
  @IsUUID()
  assignmentId: string;
}
