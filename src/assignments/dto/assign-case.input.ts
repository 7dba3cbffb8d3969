import { Field, ID, InputType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';

@InputType()
export class AssignCaseInput {
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
