import { Args, Info, Mutation, ObjectType, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Agency } from '../agencies/agency.entity.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ChecksPrincipalInRead } from '../auth/principal-check.js';
import { ConnectionType } from '../common/pagination.js';
import { DirectoryService } from '../directory/directory-service.entity.js';
import { DirectoryServicesService } from '../directory/directory.service.js';
import { FamiliesService } from '../families/families.service.js';
import { FamilyMember } from '../families/family-member.entity.js';
import { Family } from '../families/family.entity.js';
import { readWith } from '../graphql/compiled-selection.js';
import { Loaders } from '../graphql/graphql-context.js';
import { IdArg } from '../graphql/id-arg.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { withheldParts } from '../policy/field-rights.js';
import { Policy } from '../policy/policy.decorator.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import {
  AcceptReferralInput,
  CancelHandoverInput,
  CloseLoggedReferralInput,
  CompleteReferralInput,
  CreateReferralInput,
  DeclineReferralInput,
  HandoverOutcomeInput,
  ReceiveReferralInput,
  RecordFirstVisitInput,
  RecordReferralPassedOnInput,
  ReferralsArgs,
  RescheduleHandoverInput,
  ScheduleHandoverInput,
  SendReferralInput,
  SetReferralBridgeFigureInput,
  WaitlistReferralInput,
  WithdrawReferralInput,
} from './dto/referral.inputs.js';
import { HandoverMeeting, HandoverMeetingState } from './handover-meeting.entity.js';
import { ReferralEvents, ReferralStatusChange } from './referral-events.js';
import { ReferralTransition } from './referral-transition.entity.js';
import { Referral } from './referral.entity.js';
import { ReferralsService } from './referrals.service.js';

@ObjectType()
export class ReferralConnection extends ConnectionType(Referral) {}

@Resolver(() => Referral)
export class ReferralsResolver {
  constructor(
    private readonly service: ReferralsService,
    private readonly agencies: AgenciesService,
    private readonly families: FamiliesService,
    private readonly events: ReferralEvents,
    private readonly users: UsersService,
    private readonly directory: DirectoryServicesService,
  ) {}

  @Subscription(() => ReferralStatusChange, {
    description: 'Status changes of the referrals the caller may read (of one referral when referralId is given), as they happen.',
  })
  @Policy('read', 'Referral')
  referralStatusChanged(
    @CurrentCaller() caller: Caller,
    @IdArg('referralId', { nullable: true }) referralId?: string,
  ) {
    return this.events.follow(caller, referralId);
  }

  @Query(() => Referral)
  @Policy('read', 'Referral')
  @ChecksPrincipalInRead()
  referral(@CurrentCaller() caller: Caller, @IdArg('id') id: string, @Info() info: GraphQLResolveInfo) {
    return this.service.get(caller, id, info);
  }

  @Query(() => Referral, { description: "A referral to the caller's agency, by the reference of its own case system." })
  @Policy('read', 'Referral')
  referralByExternalReference(@CurrentCaller() caller: Caller, @Args('externalReference') externalReference: string) {
    return this.service.byExternalReference(caller, externalReference);
  }

  @Query(() => ReferralConnection, { description: "Referrals to (INCOMING) or from (OUTGOING) the caller's agency." })
  @Policy('read', 'Referral')
  @ChecksPrincipalInRead()
  referrals(@CurrentCaller() caller: Caller, @Args() args: ReferralsArgs, @Info() info: GraphQLResolveInfo) {
    return this.service.list(caller, args, info);
  }

  @Mutation(() => Referral, { description: 'A DRAFT referral from the acting agency.' })
  @Policy('create', 'Referral')
  createReferral(@CurrentCaller() caller: Caller, @Args('input') input: CreateReferralInput) {
    return this.service.create(caller, input);
  }

  @Mutation(() => Referral, {
    description: "Names (or, with null, removes) the member of the family's team who accompanies the family to the first meeting; by the referring side, while the referral is open.",
  })
  @Policy('refer', 'Referral')
  setReferralBridgeFigure(@CurrentCaller() caller: Caller, @Args('input') input: SetReferralBridgeFigureInput) {
    return this.service.setBridgeFigure(caller, input);
  }

  @Mutation(() => Referral, { description: 'DRAFT → SENT; needs the REFERRAL consent of every referred member (CONSENT_REQUIRED).' })
  @Policy('refer', 'Referral')
  sendReferral(@CurrentCaller() caller: Caller, @Args('input') input: SendReferralInput, @Info() info: GraphQLResolveInfo) {
    return this.service.send(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'SENT → RECEIVED, by the receiving agency or its integration client.' })
  @Policy('intake', 'Referral')
  receiveReferral(@CurrentCaller() caller: Caller, @Args('input') input: ReceiveReferralInput, @Info() info: GraphQLResolveInfo) {
    return this.service.receive(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'RECEIVED or WAITLISTED → ACCEPTED; the receiving agency joins the plan team.' })
  @Policy('intake', 'Referral')
  acceptReferral(@CurrentCaller() caller: Caller, @Args('input') input: AcceptReferralInput, @Info() info: GraphQLResolveInfo) {
    return this.service.accept(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'RECEIVED → WAITLISTED.' })
  @Policy('respond', 'Referral')
  waitlistReferral(@CurrentCaller() caller: Caller, @Args('input') input: WaitlistReferralInput, @Info() info: GraphQLResolveInfo) {
    return this.service.waitlist(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'RECEIVED or WAITLISTED → DECLINED, with a reason.' })
  @Policy('respond', 'Referral')
  declineReferral(@CurrentCaller() caller: Caller, @Args('input') input: DeclineReferralInput, @Info() info: GraphQLResolveInfo) {
    return this.service.decline(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'ACCEPTED → HANDOVER_SCHEDULED: the warm-handover meeting.' })
  @Policy('refer', 'Referral')
  scheduleHandover(@CurrentCaller() caller: Caller, @Args('input') input: ScheduleHandoverInput, @Info() info: GraphQLResolveInfo) {
    return this.service.scheduleHandover(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'Moves the scheduled meeting; the earlier one is kept as RESCHEDULED.' })
  @Policy('refer', 'Referral')
  rescheduleHandover(@CurrentCaller() caller: Caller, @Args('input') input: RescheduleHandoverInput, @Info() info: GraphQLResolveInfo) {
    return this.service.rescheduleHandover(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'HANDOVER_SCHEDULED → ACCEPTED, with a reason.' })
  @Policy('refer', 'Referral')
  cancelHandover(@CurrentCaller() caller: Caller, @Args('input') input: CancelHandoverInput, @Info() info: GraphQLResolveInfo) {
    return this.service.cancelHandover(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'A no-show: HANDOVER_SCHEDULED → ACCEPTED, so that a new meeting is planned.' })
  @Policy('read', 'Referral')
  recordHandoverMissed(@CurrentCaller() caller: Caller, @Args('input') input: HandoverOutcomeInput, @Info() info: GraphQLResolveInfo) {
    return this.service.recordHandoverMissed(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'HANDOVER_SCHEDULED → HANDOVER_HELD, by either agency; with whether the bridge figure came, when one is named.' })
  @Policy('read', 'Referral')
  recordHandoverHeld(@CurrentCaller() caller: Caller, @Args('input') input: HandoverOutcomeInput, @Info() info: GraphQLResolveInfo) {
    return this.service.recordHandoverHeld(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'HANDOVER_HELD → COMPLETED with the outcome (from ACCEPTED or HANDOVER_SCHEDULED when the family declined the meeting).' })
  @Policy('respond', 'Referral')
  completeReferral(@CurrentCaller() caller: Caller, @Args('input') input: CompleteReferralInput, @Info() info: GraphQLResolveInfo) {
    return this.service.complete(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'Any open status → WITHDRAWN, with a reason.' })
  @Policy('refer', 'Referral')
  withdrawReferral(@CurrentCaller() caller: Caller, @Args('input') input: WithdrawReferralInput, @Info() info: GraphQLResolveInfo) {
    return this.service.withdraw(caller, input, info);
  }

  @Mutation(() => Referral, {
    description:
      'A logged referral (to an organisation outside the platform), DRAFT → SENT: the referrer passed it on herself. Needs every referred ' +
      "member's REFERRAL consent to that organisation (recipientDirectoryServiceId; CONSENT_REQUIRED). Nothing is sent by the platform.",
  })
  @Policy('refer', 'Referral')
  recordReferralPassedOn(@CurrentCaller() caller: Caller, @Args('input') input: RecordReferralPassedOnInput, @Info() info: GraphQLResolveInfo) {
    return this.service.recordPassedOn(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'A logged referral, SENT → HANDOVER_SCHEDULED: the appointment the family has with the organisation.' })
  @Policy('refer', 'Referral')
  recordExternalAppointment(@CurrentCaller() caller: Caller, @Args('input') input: ScheduleHandoverInput, @Info() info: GraphQLResolveInfo) {
    return this.service.recordAppointment(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'A logged referral, HANDOVER_SCHEDULED → HANDOVER_HELD: the first visit took place.' })
  @Policy('refer', 'Referral')
  recordFirstVisitHeld(@CurrentCaller() caller: Caller, @Args('input') input: RecordFirstVisitInput, @Info() info: GraphQLResolveInfo) {
    return this.service.recordFirstVisitHeld(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'A logged referral, HANDOVER_SCHEDULED → SENT: the first visit did not take place; a new appointment is due by followUpAt.' })
  @Policy('refer', 'Referral')
  recordFirstVisitMissed(@CurrentCaller() caller: Caller, @Args('input') input: RecordFirstVisitInput, @Info() info: GraphQLResolveInfo) {
    return this.service.recordFirstVisitMissed(caller, input, info);
  }

  @Mutation(() => Referral, { description: 'A logged referral → COMPLETED with its outcome (SUCCESSFUL only after the first visit took place).' })
  @Policy('refer', 'Referral')
  closeLoggedReferral(@CurrentCaller() caller: Caller, @Args('input') input: CloseLoggedReferralInput, @Info() info: GraphQLResolveInfo) {
    return this.service.close(caller, input, info);
  }

  @ResolveField(() => Agency)
  fromAgency(@Parent() referral: Referral, @Loaders() loaders: RequestLoaders) {
    return readWith(referral, 'fromAgency', () => this.agencies.byId(loaders, referral.fromAgencyId));
  }

  @ResolveField(() => Agency, { nullable: true, description: 'Null for a logged referral, to an organisation outside the platform (externalOrganisation).' })
  toAgency(@Parent() referral: Referral, @Loaders() loaders: RequestLoaders) {
    return readWith(referral, 'toAgency', () => (referral.toAgencyId ? this.agencies.byId(loaders, referral.toAgencyId) : null));
  }

  /** Not personal data, but the directory's: read as the caller may read the directory (archived too, as the referral names it). */
  @ResolveField(() => DirectoryService, {
    nullable: true,
    description:
      'The directory service the referral names, also when archived since; null when it names none, and for who may not read the directory (the portal, a partner system).',
  })
  directoryService(@Parent() referral: Referral, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return referral.directoryServiceId ? this.directory.readableById(caller, loaders, referral.directoryServiceId) : null;
  }

  @ResolveField(() => Boolean, { description: 'The current stage is past its deadline (working days; hours when URGENT).' })
  overdue(@Parent() referral: Referral): boolean {
    return referral.dueAt !== null && referral.dueAt.getTime() < Date.now();
  }

  @ResolveField(() => [FamilyMember], { description: 'The referred members you may see.' })
  async members(@Parent() referral: Referral, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    const ids = await this.service.memberIdsOf(loaders, referral.id);
    const members = await Promise.all(ids.map((id) => this.families.memberById(caller, loaders, id)));
    return members.filter((m) => m !== null);
  }

  @ResolveField(() => [ReferralTransition], { description: 'Every step, oldest first (reasons only with the right to the details).' })
  transitions(@Parent() referral: Referral, @Loaders() loaders: RequestLoaders) {
    return readWith(referral, 'transitions', async () => withheldParts('Referral', referral, 'transitions', await this.service.transitionsOf(loaders, referral.id)));
  }

  /**
   * Only people see who the bridge figure is and whether she came (`readActors`, as for `transitions.actor`);
   * a partner system sees neither.
   */
  @ResolveField(() => User, { nullable: true, description: 'Who accompanies the family to the first meeting; null for an integration client.' })
  bridgeFigure(@Parent() referral: Referral, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    if (!referral.bridgeFigureUserId || !caller.ability.can('readActors', 'Referral')) return null;
    return this.users.byId(loaders, referral.bridgeFigureUserId);
  }

  @ResolveField(() => HandoverMeeting, { nullable: true, description: 'The scheduled meeting, else the latest one.' })
  async handover(@Parent() referral: Referral, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    const meetings = await this.handoverMeetings(referral, caller, loaders);
    return meetings.find((m) => m.state === HandoverMeetingState.SCHEDULED) ?? meetings.at(-1) ?? null;
  }

  @ResolveField(() => [HandoverMeeting], { description: 'All meetings planned, oldest first (place and notes only with the right to the details).' })
  handoverMeetings(@Parent() referral: Referral, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders): HandoverMeeting[] | Promise<HandoverMeeting[]> {
    return readWith(referral, 'handoverMeetings', async () => {
      const meetings = withheldParts('Referral', referral, 'handoverMeetings', await this.service.meetingsOf(loaders, referral.id));
      return caller.ability.can('readActors', 'Referral') ? meetings : meetings.map((m) => ({ ...m, bridgeFigurePresent: null }));
    });
  }
}

@Resolver(() => ReferralTransition)
export class ReferralTransitionResolver {
  constructor(
    private readonly users: UsersService,
    private readonly agencies: AgenciesService,
  ) {}

  /**
   * Only people see who acted (`readActors`, given with the right to read the referral itself, so that a
   * check on the subject type suffices); a partner system sees the acting agency.
   */
  @ResolveField(() => User, { nullable: true, description: 'Who took the step; null for an integration client (see actorAgency).' })
  actor(@Parent() transition: ReferralTransition, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    if (!transition.actorUserId || !caller.ability.can('readActors', 'Referral')) return null;
    return this.users.byId(loaders, transition.actorUserId);
  }

  @ResolveField(() => Agency, { nullable: true })
  actorAgency(@Parent() transition: ReferralTransition, @Loaders() loaders: RequestLoaders) {
    return readWith(transition, 'actorAgency', () => (transition.actorAgencyId ? this.agencies.byId(loaders, transition.actorAgencyId) : null));
  }
}

@Resolver(() => Family)
export class FamilyReferralsResolver {
  constructor(private readonly service: ReferralsService) {}

  @ResolveField(() => [Referral], { description: 'The referrals of the family you may see.' })
  referrals(@Parent() family: Family, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return this.service.ofFamily(caller, loaders, family.id);
  }
}
