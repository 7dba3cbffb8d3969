import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

export enum TeamParticipationStatus {
  REQUESTED = 'REQUESTED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
}
registerEnumType(TeamParticipationStatus, { name: 'TeamParticipationStatus' });

@ObjectType({ description: "A caseworker's request that her agency join the team of a family she found known; the family's supporter answers." })
export class TeamParticipationRequest {
  @Field(() => ID)
  id: string;

  @Field(() => TeamParticipationStatus)
  status: TeamParticipationStatus;

  @Field(() => Int)
  version: number;

  @Field(() => ID, { description: 'The plan whose team it asks to join (readable under the access rule only).' })
  planId: string;

  @Field(() => ID)
  requestingAgencyId: string;

  @Field(() => String, { nullable: true })
  message: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;
}

@InputType()
export class RequestTeamParticipationInput extends Idempotent {
  @Field(() => ID, { description: 'The handle findKnownFamily (or a refused registerFamily) gave for the family.' })
  @IsUUID()
  handle: string;

  @Field(() => String, { nullable: true, description: 'Why, for the supporter; no details about the family.' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(1000)
  message?: string;
}

@InputType()
export class RespondToTeamParticipationInput {
  @Field(() => ID)
  @IsUUID()
  requestId: string;

  @Field({ description: "True: the requester's agency joins the team. False: declined." })
  @IsBoolean()
  accept: boolean;

  @Field(() => Int, { description: 'The version the answer is given on (CONFLICT when the request changed meanwhile).' })
  @IsInt()
  @Min(1)
  expectedVersion: number;
}
