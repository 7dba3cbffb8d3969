import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { GraphQLResolveInfo } from 'graphql';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { AgenciesService } from '../agencies/agencies.service.js';
import { CaseAssignmentWriter } from '../assignments/case-assignment-writer.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, conflict, consentRequired, forbidden, invalidTransition, notFound } from '../common/errors.js';
import { newId, UUID_PATTERN } from '../common/ids.js';
import { type Connection, DEFAULT_PAGE_SIZE, paginate } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { memberMergeStatement } from '../database/family-merge-statement.js';
import { DirectoryServicesService } from '../directory/directory.service.js';
import { FamiliesService } from '../families/families.service.js';
import { type MemberPair, pairColumns, repointMembersSql } from '../families/member-pair.js';
import { compileConnectionSelection, compileSelection } from '../graphql/compiled-selection.js';
import { groupBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService } from '../inbox/inbox.service.js';
import { type WebhookCandidates, webhookCandidatesSql } from '../webhooks/webhooks.service.js';
import { PlanTeamService } from '../plans/plan-team.service.js';
import { PolicyService, type SubjectAttributes } from '../policy/policy.service.js';
import { SqlParams } from '../policy/sql-scope.js';
import { agencyWorksIn } from '../policy/network-reach.js';
import { grantInForce, subjectSql } from '../policy/subjects.js';
import type {
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
  ReferralStepInput,
  ScheduleHandoverInput,
  SetReferralBridgeFigureInput,
  WaitlistReferralInput,
  WithdrawReferralInput,
} from './dto/referral.inputs.js';
import { HandoverMeeting, HandoverMeetingState } from './handover-meeting.entity.js';
import { overdueSql, ReferralDeadlines } from './referral-deadlines.js';
import { ReferralEvents } from './referral-events.js';
import { ReferralDirection, ReferralOutcome, ReferralStatus, TERMINAL_STATUSES } from './referral-status.js';
import { REFERRAL_READ } from './referral-read.js';
import { REFERRAL_STEPS, type ReferralStep, type ReferralStepName } from './referral-steps.js';
import { ReferralTransition } from './referral-transition.entity.js';
import { Referral } from './referral.entity.js';

const EXTERNAL_REFERENCE_TAKEN = 'referral_external_reference_uq';

/** The name under which a step reads the referral's webhook clients with its attributes (taken out of them). */
const WEBHOOK_CLIENTS = 'webhookClients';

/** Ends the referral's scheduled meeting in `state` with `note` (kept when null) and whether the bridge figure came (`present`); its id. SQL values. */
const endMeetingSql = (referral: string, state: string, note: string, present: string) => `UPDATE handover_meeting
  SET state = ${state}, note = COALESCE(${note}, note), ended_at = now(), bridge_figure_present = ${present}
  WHERE referral_id = ${referral} AND state = 'SCHEDULED' RETURNING id`;
const END_MEETING_SQL = endMeetingSql('$1', '$2', '$3', '$4');

/** Why a step that reaches the receiving agency is refused after the family moved out of its reach (`extensions.reason`). */
const RECEIVER_NOT_IN_FAMILY_NETWORK = 'RECEIVER_NOT_IN_FAMILY_NETWORK';

/** A follow-up date the referrer is reminded at (a logged referral's next step): in the future. */
const followUp = (at: Date): Date => {
  if (at.getTime() <= Date.now()) throw badInput('followUpAt', 'followUpAt must be in the future');
  return at;
};

/** What a step changes besides the status, and what its transition records. */
interface StepEffect {
  changes?: Partial<Referral>;
  reason?: string | null;
  details?: Record<string, unknown>;
  /**
   * Writes of the step made by the statement of its transition: data-modifying CTEs (`name AS (…)`, their values by
   * `value`), and the transition's details that are SQL over them.
   */
  writes?: (value: (v: unknown) => string) => { ctes: string[]; details: Record<string, string> };
}

@Injectable()
export class ReferralsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly reader: PersonalReader,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly families: FamiliesService,
    private readonly team: PlanTeamService,
    private readonly assignments: CaseAssignmentWriter,
    private readonly agencies: AgenciesService,
    private readonly deadlines: ReferralDeadlines,
    private readonly events: ReferralEvents,
    private readonly inbox: InboxService,
    private readonly directory: DirectoryServicesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The referral `referral(id)` answers: with what the request selects under it read by the same statement
   * when the selection compiles (referral-read.ts; its field resolvers then return what it carries).
   */
  async get(caller: Caller, id: string, info?: GraphQLResolveInfo): Promise<Referral> {
    const referralId = UUID_PATTERN.test(id) ? id : null;
    const compiled = info && this.config.compiledReads ? compileSelection(REFERRAL_READ, info) : null;
    if (!compiled) return this.readableOne(this.db.manager.createQueryBuilder(Referral, 'r').where('r.id = :id', { id: referralId }), caller);
    const referral = (await this.reader.of(caller).compiled(compiled, referralId)) as Referral | null;
    if (!referral) throw notFound('Referral');
    return referral;
  }

  /** A referral to the caller's agency by the reference of the agency's own case system. */
  async byExternalReference(caller: Caller, externalReference: string): Promise<Referral> {
    const qb = this.db.manager
      .createQueryBuilder(Referral, 'r')
      .where('r.to_agency_id = :agency AND r.external_reference = :externalReference', {
        agency: caller.principal.acting?.agencyId ?? null,
        externalReference,
      });
    return this.readableOne(qb, caller);
  }

  /** `referrals(…)`: compiled as `get` is when its edges' nodes select only what compiles. */
  async list(caller: Caller, args: ReferralsArgs, info?: GraphQLResolveInfo): Promise<Connection<Referral>> {
    const agency = caller.principal.acting?.agencyId ?? null;
    const user = caller.principal.userId ?? null;
    const compiled = info && this.config.compiledReads ? compileConnectionSelection(REFERRAL_READ, info) : null;
    if (compiled) {
      return this.reader.of(caller).compiledPage<Referral>(
        compiled,
        (r, params) => listedSql(r, args, { agency: params.add(agency), user: params.add(user), status: args.status ? params.add(args.status) : null }),
        args,
      );
    }
    const qb = this.db.manager.createQueryBuilder(Referral, 'r');
    const params = new SqlParams();
    qb.where(listedSql('r', args, { agency: params.add(agency), user: params.add(user), status: args.status ? params.add(args.status) : null }), params.values);
    return paginate(qb, 'r.id', args, (page) => this.readable(page, caller, { pageSize: args.first ?? DEFAULT_PAGE_SIZE }));
  }

  /** The referrals of many families (Family.referrals, the family's own view), in one audited query. */
  ofFamily(caller: Caller, loaders: RequestLoaders, familyId: string): Promise<Referral[]> {
    return loaders
      .get<string, Referral[]>('referralsByFamily', async (familyIds) => {
        const qb = this.db.manager.createQueryBuilder(Referral, 'r').where('r.family_id = ANY(:familyIds)', { familyIds }).orderBy('r.id');
        return groupBy(familyIds, await this.readable(qb, caller), (r) => r.familyId);
      })
      .load(familyId);
  }

  /**
   * What a mutation returns: the referral as the caller may read it now, audited — also for a repeat
   * with an idempotency key, so that a key never opens a record its caller may no longer see.
   */
  private async result(em: EntityManager, caller: Caller, id: string, info?: GraphQLResolveInfo): Promise<Referral> {
    // With the request's selection, read as `referral(id)` reads it when it compiles (one statement, no entities), in the transaction.
    const compiled = info && this.config.compiledReads ? compileSelection(REFERRAL_READ, info) : null;
    if (!compiled) return this.readableOne(em.createQueryBuilder(Referral, 'r').where('r.id = :id', { id }), caller);
    const referral = (await this.reader.of(caller).compiled(compiled, id, em)) as Referral | null;
    if (!referral) throw notFound('Referral');
    return referral;
  }

  /** The one referral of `qb` if the caller may read it, else NOT_FOUND. */
  private async readableOne(qb: SelectQueryBuilder<Referral>, caller: Caller): Promise<Referral> {
    const [referral] = await this.readable(qb, caller);
    if (!referral) throw notFound('Referral');
    return referral;
  }

  /**
   * The referrals of `qb` the caller may read, audited as read, with what they say about the members
   * (reason and free text) left out where the caller lacks `readDetails` — decided in the same query by
   * the same policy (subjects.ts, the Referral's field rights), and audited as the read of status and
   * dates it then is.
   */
  private readable(qb: SelectQueryBuilder<Referral>, caller: Caller, options: { pageSize?: number } = {}): Promise<Referral[]> {
    return this.reader.of(caller).many(qb, 'Referral', options);
  }

  /** Parts of a referral already read (and audited) with it: its transitions, meetings and member ids. */
  transitionsOf(loaders: RequestLoaders, referralId: string): Promise<ReferralTransition[]> {
    return loaders
      .get<string, ReferralTransition[]>('referralTransitions', async (ids) =>
        groupBy(
          ids,
          await readWithoutAudit(
            'parts of a record read and audited with it',
            this.db.manager.find(ReferralTransition, { where: ids.map((referralId) => ({ referralId })), order: { version: 'ASC' } }),
          ),
          (t) => t.referralId,
        ),
      )
      .load(referralId);
  }

  meetingsOf(loaders: RequestLoaders, referralId: string): Promise<HandoverMeeting[]> {
    return loaders
      .get<string, HandoverMeeting[]>('handoverMeetings', async (ids) =>
        groupBy(
          ids,
          await readWithoutAudit(
            'parts of a record read and audited with it',
            this.db.manager.find(HandoverMeeting, { where: ids.map((referralId) => ({ referralId })), order: { createdAt: 'ASC', id: 'ASC' } }),
          ),
          (m) => m.referralId,
        ),
      )
      .load(referralId);
  }

  async memberIdsOf(loaders: RequestLoaders, referralId: string): Promise<string[]> {
    const rows = await loaders
      .get<string, { referral_id: string; member_id: string }[]>('referralMemberIds', async (ids) =>
        groupBy(
          ids,
          await readWithoutAudit(
            'parts of a record read and audited with it',
            this.db.query(`SELECT referral_id, member_id FROM referral_member WHERE referral_id = ANY($1) ORDER BY member_id`, [ids]),
          ),
          (row: { referral_id: string }) => row.referral_id,
        ),
      )
      .load(referralId);
    return rows.map((row) => row.member_id);
  }

  /** A DRAFT referral from the caller's agency, for members of the plan's family. */
  async create(caller: Caller, input: CreateReferralInput): Promise<Referral> {
    return this.tx.run(caller, async (em) => {
      const id = await this.idempotency.once(em, caller, 'createReferral', input, async () => {
        const plan = await this.policy.authorize(em, caller.ability, 'read', 'Plan', input.planId);
        const fromAgencyId = caller.principal.acting?.agencyId;
        if (!fromAgencyId) throw forbidden('Referrals are made on behalf of an agency');
        this.policy.assertCan(caller.ability, 'create', 'Referral', { ...plan, fromAgencyId });
        if (plan.status === 'CLOSED') throw invalidTransition('Plan', 'CLOSED', 'refer from it');
        if (input.toAgencyId === fromAgencyId) throw badInput('toAgencyId', 'toAgencyId must be another agency than your own');
        if (input.toAgencyId) await this.agencies.requireInNetwork(em, input.toAgencyId, plan.networkId as string, 'toAgencyId');
        else if (!input.directoryServiceId) {
          throw badInput('toAgencyId', 'Name the receiving agency (toAgencyId), or an organisation outside the platform by its directory service (directoryServiceId)');
        }
        await this.families.requireMembers(em, plan.familyId as string, input.memberIds, 'memberIds');
        if (input.bridgeFigureUserId) await this.requireTeamMember(em, plan.familyId as string, input.bridgeFigureUserId);
        // Without a receiving agency, a logged referral: to the organisation outside the platform, by its name as the directory has it now.
        let externalOrganisation: string | null = null;
        if (input.directoryServiceId && input.toAgencyId) {
          await this.directory.requireReferableOnPlatform(em, input.directoryServiceId, plan.networkId as string, input.toAgencyId, 'directoryServiceId');
        } else if (input.directoryServiceId) {
          externalOrganisation = await this.directory.requireExternal(em, input.directoryServiceId, plan.networkId as string, 'directoryServiceId');
        }

        const now = new Date();
        const referral = em.create(Referral, {
          id: newId(),
          familyId: plan.familyId as string,
          planId: plan.id,
          fromAgencyId,
          toAgencyId: input.toAgencyId ?? null,
          externalOrganisation,
          status: ReferralStatus.DRAFT,
          version: 1,
          urgency: input.urgency,
          reason: input.reason,
          requestedService: input.requestedService,
          lifeDomain: input.lifeDomain ?? null,
          bridgeFigureUserId: input.bridgeFigureUserId ?? null,
          directoryServiceId: input.directoryServiceId ?? null,
          familyDeclinedMeeting: false,
          createdByUserId: caller.principal.userId!,
          createdAt: now,
          updatedAt: now,
        });
        await em.insert(Referral, referral);
        await em.query(`INSERT INTO referral_member (referral_id, member_id) SELECT $1, unnest($2::uuid[])`, [
          referral.id,
          [...new Set(input.memberIds)],
        ]);
        await this.recordTransition(em, caller, referral, null, {});
        await this.tellBridgeFigure(em, referral);
        return referral.id;
      });
      return this.result(em, caller, id);
    });
  }

  /**
   * Names (or, with null, removes) the bridge figure of an open referral: by the referring side, who may
   * take its steps (`refer`); the person must be on the family's team. Not a step: the status and version stay.
   */
  async setBridgeFigure(caller: Caller, input: SetReferralBridgeFigureInput): Promise<Referral> {
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'refer', 'Referral', input.referralId, { lock: true });
      const referral = await readWithoutAudit('the record the caller changes, authorized and locked first (audited by the write triggers)', em.findOneByOrFail(Referral, { id: input.referralId }));
      if (TERMINAL_STATUSES.includes(referral.status)) throw invalidTransition('Referral', referral.status, 'name a bridge figure');
      const bridgeFigureUserId = input.bridgeFigureUserId ?? null;
      if (bridgeFigureUserId) await this.requireTeamMember(em, referral.familyId, bridgeFigureUserId);
      if (bridgeFigureUserId !== referral.bridgeFigureUserId) {
        Object.assign(referral, { bridgeFigureUserId, updatedAt: new Date() });
        await em.update(Referral, { id: referral.id }, { bridgeFigureUserId, updatedAt: referral.updatedAt });
        await this.tellBridgeFigure(em, referral);
      }
      return this.result(em, caller, referral.id);
    });
  }

  /**
   * A bridge figure must be on the family's team (assigned, or its supporter). Anyone else — of another
   * agency or network, unknown, or no longer on the team — answers the same, so nothing tells them apart.
   */
  private async requireTeamMember(em: EntityManager, familyId: string, userId: string): Promise<void> {
    const family = await this.policy.attributesOf(em, 'Family', familyId);
    if (!(family?.teamUserIds as string[] | undefined)?.includes(userId)) {
      throw badInput('bridgeFigureUserId', "The bridge figure must be a member of the family's team");
    }
  }

  /** The bridge figure just named learns it in her inbox (acting for the agency she is on the team for). */
  private async tellBridgeFigure(em: EntityManager, referral: Referral): Promise<void> {
    if (!referral.bridgeFigureUserId) return;
    await this.inbox.deliver(
      em,
      {
        id: newId(),
        kind: InboxItemKind.BRIDGE_FIGURE_NAMED,
        familyId: referral.familyId,
        about: { type: 'Referral', id: referral.id },
        params: { to: referral.status },
        occurredAt: referral.updatedAt,
      },
      [{ teamUser: referral.bridgeFigureUserId, family: referral.familyId }],
    );
  }

  send(caller: Caller, input: ReferralStepInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'send', input, info, async (em, referral) => {
      await this.requireReferralConsent(em, referral);
      return { changes: { sentAt: new Date() } };
    });
  }

  receive(caller: Caller, input: ReceiveReferralInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'receive', input, info, async () => ({
      changes: { receivedAt: new Date(), ...this.externalReference(input) },
    }));
  }

  /** The receiving agency joins the plan team (and the accepting caseworker the family's case). */
  accept(caller: Caller, input: AcceptReferralInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'accept', input, info, async (em, referral) => {
      // Accepting is the receiving agency's (intake): a referral that has one.
      const toAgencyId = referral.toAgencyId!;
      await this.team.joinFromReferral(em, caller, { ...referral, toAgencyId });
      // A partner system accepting has no person to assign: the agency assigns its caseworker itself.
      if (caller.principal.userId) {
        await this.assignments.assignSelf(em, referral.familyId, caller.principal.userId, toAgencyId);
      }
      return { changes: { acceptedAt: new Date(), ...this.externalReference(input) } };
    });
  }

  waitlist(caller: Caller, input: WaitlistReferralInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'waitlist', input, info, async () => ({ reason: input.reason ?? null }));
  }

  decline(caller: Caller, input: DeclineReferralInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'decline', input, info, async () => ({ changes: { declineReason: input.reason }, reason: input.reason }));
  }

  scheduleHandover(caller: Caller, input: ScheduleHandoverInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'scheduleHandover', input, info, async (em, referral) => ({
      details: { meetingId: await this.insertMeeting(em, caller, referral, input) },
    }));
  }

  rescheduleHandover(caller: Caller, input: ScheduleHandoverInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'rescheduleHandover', input, info, async (em, referral) => {
      const meeting = this.newMeeting(em, caller, referral, input);
      // The scheduled meeting ended as RESCHEDULED and the new one written by the statement of the transition; the new
      // one after the end (`made_meeting` reads `ended_meeting` first), as one meeting per referral is scheduled at a time.
      return {
        details: { meetingId: meeting.id },
        writes: (value) => ({
          ctes: [
            `ended_meeting AS (${endMeetingSql(`${value(referral.id)}::uuid`, `${value(HandoverMeetingState.RESCHEDULED)}::text`, 'NULL', 'NULL')})`,
            `made_meeting AS (INSERT INTO handover_meeting (id, referral_id, starts_at, location, online_url, attendees, state, created_by_user_id, created_at)
               SELECT ${value(meeting.id)}::uuid, ${value(referral.id)}::uuid, ${value(meeting.startsAt)}::timestamptz, ${value(meeting.location)}::text,
                      ${value(meeting.onlineUrl)}::text, ${value(meeting.attendees)}::text[], ${value(meeting.state)}::text, ${value(meeting.createdByUserId)}::uuid,
                      ${value(meeting.createdAt)}::timestamptz
                 FROM (SELECT count(*) FROM ended_meeting) ended)`,
          ],
          details: { previousMeetingId: '(SELECT id FROM ended_meeting LIMIT 1)' },
        }),
      };
    });
  }

  cancelHandover(caller: Caller, input: CancelHandoverInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'cancelHandover', input, info, async (em, referral) => ({
      reason: input.reason,
      details: { meetingId: await this.endMeeting(em, referral, HandoverMeetingState.CANCELLED, input.reason) },
    }));
  }

  /** A no-show: back to ACCEPTED, so that a new meeting is planned. */
  recordHandoverMissed(caller: Caller, input: HandoverOutcomeInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'recordHandoverMissed', input, info, async (em, referral) => this.meetingOutcome(em, referral, HandoverMeetingState.MISSED, input));
  }

  recordHandoverHeld(caller: Caller, input: HandoverOutcomeInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'recordHandoverHeld', input, info, async (em, referral) => this.meetingOutcome(em, referral, HandoverMeetingState.HELD, input));
  }

  /** Ends the meeting held or missed, with whether the bridge figure came: said when the referral names one, only then. */
  private async meetingOutcome(em: EntityManager, referral: Referral, state: HandoverMeetingState, input: HandoverOutcomeInput): Promise<StepEffect> {
    const named = referral.bridgeFigureUserId !== null;
    const present = input.bridgeFigurePresent ?? null;
    if (named && present === null) throw badInput('bridgeFigurePresent', 'The referral names a bridge figure: say whether she came');
    if (!named && present !== null) throw badInput('bridgeFigurePresent', 'The referral names no bridge figure');
    const note = input.note ?? null;
    return { reason: note, details: { meetingId: await this.endMeeting(em, referral, state, note, present) } };
  }

  /** Closes the loop with the outcome; without a meeting held only when the family declined it. */
  complete(caller: Caller, input: CompleteReferralInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'complete', input, info, async (em, referral) => {
      const declinedMeeting = input.familyDeclinedMeeting === true;
      if (referral.status === ReferralStatus.HANDOVER_HELD && declinedMeeting) {
        throw badInput('familyDeclinedMeeting', 'The handover meeting was held: the family did not decline it');
      }
      if (referral.status !== ReferralStatus.HANDOVER_HELD && !declinedMeeting) {
        throw invalidTransition('Referral', referral.status, 'complete before the handover meeting was held (unless the family declined it)');
      }
      const closing = this.outcomeOf(input);
      if (declinedMeeting) await this.endMeeting(em, referral, HandoverMeetingState.CANCELLED, 'The family declined the meeting');
      return {
        changes: { ...closing.changes, familyDeclinedMeeting: referral.familyDeclinedMeeting || declinedMeeting },
        reason: closing.reason,
        details: { ...closing.details, familyDeclinedMeeting: declinedMeeting },
      };
    });
  }

  /** The outcome that closes a referral, with its reason when NOT_SUCCESSFUL (and only then). */
  private outcomeOf(input: CloseLoggedReferralInput): StepEffect {
    if (input.outcome === ReferralOutcome.NOT_SUCCESSFUL && !input.outcomeReason) {
      throw badInput('outcomeReason', 'outcomeReason is required when the outcome is NOT_SUCCESSFUL');
    }
    if (input.outcome === ReferralOutcome.SUCCESSFUL && input.outcomeReason) {
      throw badInput('outcomeReason', 'outcomeReason is only given when the outcome is NOT_SUCCESSFUL');
    }
    return {
      changes: { outcome: input.outcome, outcomeReason: input.outcomeReason ?? null, outcomeNote: input.note ?? null, completedAt: new Date() },
      reason: input.note ?? null,
      details: { outcome: input.outcome, outcomeReason: input.outcomeReason ?? null },
    };
  }

  /**
   * A logged referral (to an organisation outside the platform) passed on by the referrer: needs every referred
   * member's REFERRAL consent to that organisation, as sending needs it to an agency. Nothing is sent by the
   * platform; the referrer is reminded at `followUpAt` if no appointment is recorded by then.
   */
  recordPassedOn(caller: Caller, input: RecordReferralPassedOnInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'recordPassedOn', input, info, async (em, referral) => {
      const dueAt = followUp(input.followUpAt);
      await this.requireReferralConsent(em, referral);
      return { changes: { sentAt: new Date(), dueAt }, reason: input.note ?? null };
    });
  }

  /** The appointment the family has with the organisation outside the platform; its time is when the next step is due. */
  recordAppointment(caller: Caller, input: ScheduleHandoverInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'recordAppointment', input, info, async (em, referral) => ({
      changes: { dueAt: input.startsAt },
      details: { meetingId: await this.insertMeeting(em, caller, referral, input) },
    }));
  }

  recordFirstVisitHeld(caller: Caller, input: RecordFirstVisitInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'recordFirstVisitHeld', input, info, async (em, referral) => {
      const dueAt = input.followUpAt ? followUp(input.followUpAt) : null;
      return { ...(await this.meetingOutcome(em, referral, HandoverMeetingState.HELD, input)), changes: { dueAt } };
    });
  }

  /** The first visit did not take place: back to SENT, a new appointment due by `followUpAt`. */
  recordFirstVisitMissed(caller: Caller, input: RecordFirstVisitInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'recordFirstVisitMissed', input, info, async (em, referral) => {
      if (!input.followUpAt) throw badInput('followUpAt', 'The first visit did not take place: say when to follow up');
      const dueAt = followUp(input.followUpAt);
      return { ...(await this.meetingOutcome(em, referral, HandoverMeetingState.MISSED, input)), changes: { dueAt } };
    });
  }

  /** A logged referral closed with its outcome: SUCCESSFUL only once the first visit took place. */
  close(caller: Caller, input: CloseLoggedReferralInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'close', input, info, async (em, referral) => {
      if (input.outcome === ReferralOutcome.SUCCESSFUL && referral.status !== ReferralStatus.HANDOVER_HELD) {
        throw invalidTransition('Referral', referral.status, 'close it as SUCCESSFUL before the first visit took place');
      }
      const closing = this.outcomeOf(input);
      await this.endMeeting(em, referral, HandoverMeetingState.CANCELLED, null);
      return { ...closing, changes: { ...closing.changes, dueAt: null } };
    });
  }

  withdraw(caller: Caller, input: WithdrawReferralInput, info?: GraphQLResolveInfo) {
    return this.step(caller, 'withdraw', input, info, async (em, referral) => {
      await this.endMeeting(em, referral, HandoverMeetingState.CANCELLED, input.reason);
      return { changes: { withdrawReason: input.reason }, reason: input.reason };
    });
  }

  /**
   * One transition: authorize on the locked referral (not readable → NOT_FOUND; readable but not this
   * party's step → FORBIDDEN), then the version (stale → CONFLICT), then the state machine
   * (INVALID_TRANSITION naming the current status; also for a step that reaches a receiving agency no longer working
   * in the family's network), then the step's own effect, all in one transaction.
   */
  private step(
    caller: Caller,
    name: ReferralStepName,
    input: ReferralStepInput,
    info: GraphQLResolveInfo | undefined,
    effect: (em: EntityManager, referral: Referral, attributes: SubjectAttributes) => Promise<StepEffect>,
  ): Promise<Referral> {
    const rule = REFERRAL_STEPS[name];
    const reachesReceiver = (rule as ReferralStep).reachesReceiver === true;
    return this.tx.naming(caller, async (em, actor) => {
      const id = await this.idempotency.once(em, caller, name, input, async () => {
        const attributes = await this.policy.authorize(em, caller.ability, 'read', 'Referral', input.referralId, {
          lock: true,
          actor,
          // Of the relations, only those the step's rules name: the attributes are checked for nothing else here, and
          // the event's webhook clients and notice use fields only (toAgencyId, sent, status: ReferralEvents.record).
          checkedFor: rule.by,
          also: {
            // The record itself, read with its attributes (the columns under `record.` names).
            ...referralColumns(em),
            // Whether the receiving agency still works in the family's network, read with the referral when the step reaches it.
            ...(reachesReceiver && { receiverWorksInNetwork: agencyWorksIn('r.to_agency_id', subjectSql('Referral').fields.networkId!) }),
            // The partner systems the event's fan-out tries: of the referral's agencies, which a step does not change.
            [WEBHOOK_CLIENTS]: webhookCandidatesSql('r.from_agency_id', 'r.to_agency_id'),
          },
        });
        const webhookClients = attributes[WEBHOOK_CLIENTS] as WebhookCandidates;
        delete attributes[WEBHOOK_CLIENTS];
        const referral = referralOf(em, attributes);
        if (!rule.by.some((action) => this.policy.can(caller.ability, action, 'Referral', attributes))) {
          throw forbidden(`Your agency may not ${name} this referral`);
        }
        if (referral.version !== input.expectedVersion) {
          throw conflict(`The referral changed meanwhile: version ${referral.version}, not ${input.expectedVersion}`);
        }
        if (!(rule.from as readonly ReferralStatus[]).includes(referral.status)) throw invalidTransition('Referral', referral.status, name);
        const receiver = referral.toAgencyId === null ? 'EXTERNAL' : 'AGENCY';
        if (((rule as ReferralStep).receiver ?? receiver) !== receiver) {
          throw invalidTransition('Referral', referral.status, receiver === 'EXTERNAL'
            ? `${name}: the referral is to an organisation outside the platform, its steps are recorded by hand`
            : `${name}: the referral is to an agency on the platform`);
        }
        if (reachesReceiver && attributes.receiverWorksInNetwork !== true) {
          throw invalidTransition('Referral', referral.status, `${name}: the family moved to a network the receiving agency does not work in`, RECEIVER_NOT_IN_FAMILY_NETWORK);
        }
        const { changes = {}, reason = null, details = {}, writes } = await effect(em, referral, attributes);
        const from = referral.status;
        const now = new Date();
        Object.assign(referral, changes, {
          status: rule.to,
          version: referral.version + 1,
          updatedAt: now,
          // A logged referral's step says itself when the next one is due (the referrer's follow-up).
          dueAt: 'dueAt' in changes ? changes.dueAt : this.dueAfter(referral, from, rule.to, now),
        });
        // The referral's update, written by the statement of its transition and event.
        const update = em
          .createQueryBuilder()
          .update(Referral)
          .set({ ...changes, status: referral.status, version: referral.version, updatedAt: now, dueAt: referral.dueAt })
          .where('id = :id', { id: referral.id })
          .getQueryAndParameters();
        // What a step changes of the referral's authorization attributes is its status and whether it was sent.
        const after = { ...attributes, status: referral.status, sent: referral.sentAt !== null };
        await conflictOnDuplicate(
          this.recordTransition(em, caller, referral, from, { reason, details, writes }, { attributes: after, update, webhookClients }),
          'This external reference is already used for another referral to your agency',
          EXTERNAL_REFERENCE_TAKEN,
        );
        return referral.id;
      });
      return this.result(em, caller, id, info);
    });
  }

  /** The deadline of the stage entered; the meeting deadline runs on from acceptance through (re)scheduling. */
  private dueAfter(referral: Referral, from: ReferralStatus, to: ReferralStatus, now: Date): Date | null {
    const meetingPending = to === ReferralStatus.HANDOVER_SCHEDULED || (to === ReferralStatus.ACCEPTED && from === ReferralStatus.HANDOVER_SCHEDULED);
    return meetingPending ? referral.dueAt : this.deadlines.dueAt(to, referral.urgency, now);
  }

  /**
   * The append-only history entry of a step, and its event (outbox, webhooks, subscriptions), in the statement
   * that writes the event; with `step`, also the referral's update, and its attributes after it (as read by
   * the step) and its webhook clients for the event.
   */
  private async recordTransition(
    em: EntityManager,
    caller: Caller,
    referral: Referral,
    from: ReferralStatus | null,
    effect: Pick<StepEffect, 'reason' | 'details' | 'writes'>,
    step?: { attributes: SubjectAttributes; update: [string, unknown[]]; webhookClients: WebhookCandidates },
  ): Promise<void> {
    const updateSql = step?.update[0];
    const values: unknown[] = [...(step?.update[1] ?? [])];
    const value = (v: unknown) => `$${values.push(v)}`;
    const stepWrites = effect.writes?.(value) ?? { ctes: [], details: {} };
    const sqlDetails = Object.entries(stepWrites.details).flatMap(([key, sql]) => [`'${key}'`, sql]);
    const details = `${value(JSON.stringify(effect.details ?? {}))}::jsonb${sqlDetails.length ? ` || jsonb_build_object(${sqlDetails.join(', ')})` : ''}`;
    const transition = `INSERT INTO referral_transition (id, referral_id, from_status, to_status, version, at, actor_user_id, actor_agency_id, reason, details)
      VALUES (${value(newId())}::uuid, ${value(referral.id)}::uuid, ${value(from)}, ${value(referral.status)}, ${value(referral.version)}::int, ${value(referral.updatedAt)}::timestamptz,
              ${value(caller.principal.userId)}::uuid, ${value(caller.principal.acting?.agencyId ?? null)}::uuid, ${value(effect.reason ?? null)}, ${details})`;
    const writes = [...(updateSql ? [`updated AS (${updateSql})`] : []), ...stepWrites.ctes, `transition AS (${transition})`];
    await this.events.record(em, referral, from, { writes, values, attributes: step?.attributes, webhookClients: step?.webhookClients });
  }

  /**
   * SENT needs the REFERRAL consent of every referred member, in force now, for the receiving agency — or, for a
   * logged referral, for the organisation outside the platform (by its directory service).
   */
  private async requireReferralConsent(em: EntityManager, referral: Referral): Promise<void> {
    const external = referral.toAgencyId === null;
    const recipient = external ? referral.directoryServiceId! : referral.toAgencyId!;
    const column = external ? 'recipient_directory_service_id' : 'recipient_agency_id';
    const missing: { member_id: string }[] = await em.query(
      `SELECT rm.member_id FROM referral_member rm WHERE rm.referral_id = $1
         AND NOT ${grantInForce('cg.member_id = rm.member_id', '$2', `'REFERRAL'`, column)} ORDER BY rm.member_id`,
      [referral.id, recipient],
    );
    if (missing.length > 0) {
      const memberIds = missing.map((m) => m.member_id);
      const to = external ? 'the organisation outside the platform' : 'the receiving agency';
      throw consentRequired(
        `Sending needs the REFERRAL consent of every referred member for ${to}; missing for ${missing.length} member(s)`,
        external
          ? { memberIds, category: 'REFERRAL', recipientDirectoryServiceId: recipient }
          : { memberIds, category: 'REFERRAL', recipientAgencyId: recipient },
      );
    }
  }

  private externalReference(input: ReceiveReferralInput): Partial<Referral> {
    return input.externalReference ? { externalReference: input.externalReference } : {};
  }

  private async insertMeeting(em: EntityManager, caller: Caller, referral: Referral, input: ScheduleHandoverInput): Promise<string> {
    const meeting = this.newMeeting(em, caller, referral, input);
    await em.insert(HandoverMeeting, meeting);
    return meeting.id;
  }

  /** A meeting of the referral as the input plans it (a place or a link, a time in the future), not written yet. */
  private newMeeting(em: EntityManager, caller: Caller, referral: Referral, input: ScheduleHandoverInput): HandoverMeeting {
    if (!input.location === !input.onlineUrl) throw badInput('location', 'Give either a location or an onlineUrl for the meeting');
    if (input.startsAt.getTime() <= Date.now()) throw badInput('startsAt', 'startsAt must be in the future');
    return em.create(HandoverMeeting, {
      id: newId(),
      referralId: referral.id,
      startsAt: input.startsAt,
      location: input.location ?? null,
      onlineUrl: input.onlineUrl ?? null,
      attendees: input.attendees,
      state: HandoverMeetingState.SCHEDULED,
      createdByUserId: caller.principal.userId!,
      createdAt: new Date(),
    });
  }

  /** Ends the scheduled meeting (if any) in `state`, with whether the bridge figure came (held or missed); returns its id. */
  private async endMeeting(
    em: EntityManager,
    referral: Referral,
    state: HandoverMeetingState,
    note: string | null,
    bridgeFigurePresent: boolean | null = null,
  ): Promise<string | null> {
    // An UPDATE answers [rows, count] (TypeORM on pg), not the rows alone.
    const [ended]: [{ id: string }[], number] = await em.query(END_MEETING_SQL, [referral.id, state, note, bridgeFigurePresent]);
    return ended[0]?.id ?? null;
  }

  /**
   * A merge of two families (docs/family-merge.md): the absorbed family's referrals belong to the surviving
   * family, and those of its open plan to the surviving open plan; their steps and members stay as they were.
   */
  /**
   * A merge of members that are the same person (docs/family-merge.md): referrals name the surviving member. Their
   * members are append-only (memberMergeStatement); one that named both keeps both rows.
   */
  async mapMembers(em: EntityManager, pairs: readonly MemberPair[]): Promise<void> {
    await memberMergeStatement(em, repointMembersSql('referral_member', 'referral_id'), pairColumns(pairs));
  }

  async moveToFamily(em: EntityManager, from: { familyId: string; planId: string }, to: { familyId: string; planId: string }): Promise<void> {
    await em.query(
      `UPDATE referral SET family_id = $2, plan_id = CASE WHEN plan_id = $3 THEN $4 ELSE plan_id END WHERE family_id = $1`,
      [from.familyId, to.familyId, from.planId, to.planId],
    );
  }
}

/**
 * The referrals a list shows, over the alias `r` (before the caller's rule): by direction, to the acting agency
 * (`agency`, sent ones), from it, or accompanied by the caller (`user`) as bridge figure; by status and
 * overdue (`status`, when asked). The values are SQL placeholders.
 */
function listedSql(r: string, args: ReferralsArgs, values: { agency: string; user: string; status: string | null }): string {
  const where = [
    args.direction === ReferralDirection.ACCOMPANYING
      ? `${r}.bridge_figure_user_id = ${values.user}`
      : args.direction === ReferralDirection.INCOMING
        ? `${r}.to_agency_id = ${values.agency} AND ${r}.sent_at IS NOT NULL`
        : `${r}.from_agency_id = ${values.agency}`,
  ];
  if (values.status) where.push(`${r}.status = ${values.status}`);
  if (args.overdue === true) where.push(overdueSql(r));
  if (args.overdue === false) where.push(`(${r}.due_at IS NULL OR ${r}.due_at >= now())`);
  return where.join(' AND ');
}

/** The referral's columns as `record.<property>` over the alias `r` (PolicyService.authorize's `also`). */
const referralColumns = (em: EntityManager): Record<string, string> =>
  Object.fromEntries(em.connection.getMetadata(Referral).columns.map((c) => [`record.${c.propertyName}`, `r.${c.databaseName}`]));

/**
 * The referral read by `referralColumns` with its attributes: the record the caller changes, authorized and
 * locked first (audited by the write triggers); taken out of the attributes.
 */
function referralOf(em: EntityManager, attributes: SubjectAttributes): Referral {
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(attributes).filter((k) => k.startsWith('record.'))) {
    record[key.slice('record.'.length)] = attributes[key];
    delete attributes[key];
  }
  return em.create(Referral, record);
}
