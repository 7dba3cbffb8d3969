import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDate, IsEnum, IsInt, IsOptional, IsString, IsUrl, IsUUID, MaxLength, Min } from 'class-validator';
import { LifeDomain } from '../../goals/life-domain.js';
import { IsNotBlank } from '../../graphql/text-rules.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';
import { PageArgs } from '../../common/pagination.js';
import { HandoverAttendee } from '../handover-meeting.entity.js';
import { ReferralDirection, ReferralOutcome, ReferralOutcomeReason, ReferralStatus, ReferralUrgency } from '../referral-status.js';

@InputType()
export class CreateReferralInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  planId: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The receiving agency on the platform. Left out for a logged referral to an organisation outside the platform (named by directoryServiceId).',
  })
  @IsOptional()
  @IsUUID()
  toAgencyId?: string;

  @Field(() => [ID], { description: 'The family members referred.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberIds: string[];

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(5000)
  reason: string;

  @Field(() => ReferralUrgency)
  @IsEnum(ReferralUrgency)
  urgency: ReferralUrgency;

  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  requestedService: string;

  @Field(() => LifeDomain, { nullable: true, description: 'The life domain of the need the referral addresses.' })
  @IsOptional()
  @IsEnum(LifeDomain)
  lifeDomain?: LifeDomain;

  @Field(() => ID, {
    nullable: true,
    description: "A member of the family's team (often a volunteer) who accompanies the family to the first meeting.",
  })
  @IsOptional()
  @IsUUID()
  bridgeFigureUserId?: string;

  @Field(() => ID, {
    nullable: true,
    description:
      "A service of the receiving agency in the network's directory, referred on the platform (howToRefer ON_PLATFORM); " +
      'without toAgencyId, a service of an organisation outside the platform: a logged referral.',
  })
  @IsOptional()
  @IsUUID()
  directoryServiceId?: string;
}

@InputType()
export class SetReferralBridgeFigureInput {
  @Field(() => ID)
  @IsUUID()
  referralId: string;

  @Field(() => ID, { nullable: true, description: "A member of the family's team; null removes the bridge figure." })
  @IsOptional()
  @IsUUID()
  bridgeFigureUserId?: string | null;
}

/** Every transition names the referral and the version the client saw: a stale one answers CONFLICT. */
@InputType({ isAbstract: true })
export class ReferralStepInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  referralId: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

@InputType()
export class SendReferralInput extends ReferralStepInput {}

@InputType()
export class ReceiveReferralInput extends ReferralStepInput {
  @Field(() => String, { nullable: true, description: "The receiving agency's own reference for this referral." })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  externalReference?: string;
}

@InputType()
export class AcceptReferralInput extends ReceiveReferralInput {}

@InputType()
export class WaitlistReferralInput extends ReferralStepInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

/** Declining and withdrawing always say why. */
@InputType({ isAbstract: true })
class ReasonedStepInput extends ReferralStepInput {
  @Field()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  reason: string;
}

@InputType()
export class DeclineReferralInput extends ReasonedStepInput {}

@InputType()
export class WithdrawReferralInput extends ReasonedStepInput {}

@InputType()
export class CancelHandoverInput extends ReasonedStepInput {}

@InputType()
export class ScheduleHandoverInput extends ReferralStepInput {
  @Field()
  @IsDate()
  startsAt: Date;

  @Field(() => String, { nullable: true, description: 'Where the family meets; give this or onlineUrl.' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  location?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  @MaxLength(2000)
  onlineUrl?: string;

  @Field(() => [HandoverAttendee])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(HandoverAttendee, { each: true })
  attendees: HandoverAttendee[];
}

@InputType()
export class RescheduleHandoverInput extends ScheduleHandoverInput {}

@InputType()
export class HandoverOutcomeInput extends ReferralStepInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether the bridge figure came: required when the referral names one, else not given.' })
  @IsOptional()
  @IsBoolean()
  bridgeFigurePresent?: boolean;
}

/** A logged referral passed on to the organisation outside the platform. */
@InputType()
export class RecordReferralPassedOnInput extends ReferralStepInput {
  @Field({ description: 'When to follow up: the referrer is reminded in her inbox if no appointment is recorded by then. In the future.' })
  @IsDate()
  followUpAt: Date;

  @Field(() => String, { nullable: true, description: 'How and to whom it was passed on.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** Whether the first visit to the organisation outside the platform took place. */
@InputType()
export class RecordFirstVisitInput extends HandoverOutcomeInput {
  @Field(() => Date, {
    nullable: true,
    description: 'When to follow up next (in the future): required when the visit did not take place (a new appointment is due by then); after a visit held, when to close the referral.',
  })
  @IsOptional()
  @IsDate()
  followUpAt?: Date;
}

/** The outcome that closes a referral. */
@InputType({ isAbstract: true })
class ReferralOutcomeInput extends ReferralStepInput {
  @Field(() => ReferralOutcome)
  @IsEnum(ReferralOutcome)
  outcome: ReferralOutcome;

  @Field(() => ReferralOutcomeReason, { nullable: true, description: 'Required when NOT_SUCCESSFUL.' })
  @IsOptional()
  @IsEnum(ReferralOutcomeReason)
  outcomeReason?: ReferralOutcomeReason;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** A logged referral closed: SUCCESSFUL only after the first visit took place. */
@InputType()
export class CloseLoggedReferralInput extends ReferralOutcomeInput {}

@InputType()
export class CompleteReferralInput extends ReferralOutcomeInput {
  @Field(() => Boolean, {
    nullable: true,
    description: 'The family declined the handover meeting: completes from ACCEPTED or HANDOVER_SCHEDULED, recorded.',
  })
  @IsOptional()
  @IsBoolean()
  familyDeclinedMeeting?: boolean;
}

@ArgsType()
export class ReferralsArgs extends PageArgs {
  @Field(() => ReferralDirection)
  @IsEnum(ReferralDirection)
  direction: ReferralDirection;

  @Field(() => ReferralStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ReferralStatus)
  status?: ReferralStatus;

  @Field(() => Boolean, { nullable: true, description: 'Only referrals whose current stage is past its deadline (or only those that are not).' })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
}
