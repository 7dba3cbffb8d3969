import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, conflict, consentRequired, forbidden, invalidTransition, notFound } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { checkMethod } from '../consents/consents.service.js';
import { FamiliesService } from '../families/families.service.js';
import { groupBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { PlanHistoryService } from '../history/plan-history.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { type InboxAudience, InboxService } from '../inbox/inbox.service.js';
import { agencyWorksIn } from '../policy/network-reach.js';
import { openReferralsOutside } from '../referrals/referrals-after-move.js';
import { PolicyService, type SubjectAttributes } from '../policy/policy.service.js';
import { FamilyMove } from '../families/family-move.entity.js';
import type { FamilyMoveStep } from './dto/family-move-step.type.js';
import { CaseAssignmentWriter } from '../assignments/case-assignment-writer.js';
import type {
  AddPlanParticipantInput,
  AssignTrajectorySupporterInput,
  ConfirmSupportHandoverInput,
  HandOverTrajectorySupportInput,
  ProposeFamilyMoveInput,
  WithdrawFamilyMoveInput,
} from './dto/plan.inputs.js';
import { PlanParticipant } from './plan-participant.entity.js';
import { PlanWriter } from './plan-writer.js';
import { MembershipRole } from '../users/membership-role.js';
import { Plan } from './plan.entity.js';
import { SupporterState, TrajectorySupporter } from './trajectory-supporter.entity.js';

/** The plan team: the trajectory supporter (and its warm handover) and the participating agencies. */
@Injectable()
export class PlanTeamService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reader: PersonalReader,
    private readonly writer: PlanWriter,
    private readonly families: FamiliesService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly history: PlanHistoryService,
    private readonly agencies: AgenciesService,
    private readonly inbox: InboxService,
    private readonly policy: PolicyService,
    private readonly assignments: CaseAssignmentWriter,
  ) {}

  /** The first supporter: chosen by the team among the caseworkers assigned to the family. */
  async assignSupporter(caller: Caller, input: AssignTrajectorySupporterInput): Promise<Plan> {
    return this.tx.run(caller, async (em) => {
      const { plan, attributes } = await this.writer.lock(em, caller, 'update', input);
      this.writer.requireOpen(plan, 'assign a trajectory supporter');
      if (attributes.hasSupporter) {
        throw conflict('The plan has a trajectory supporter: hand the role over with handOverTrajectorySupport');
      }
      const agencyId = await this.supporterAgency(em, plan, attributes, input.userId, 'userId');
      await this.addSupporter(em, plan.id, input.userId, agencyId, SupporterState.CURRENT);
      return this.writer.update(em, caller, plan, {}, {
        entityType: 'TrajectorySupporter',
        entityId: plan.id,
        change: 'SUPPORTER_ASSIGNED',
        details: { userId: input.userId, agencyId },
      });
    });
  }

  /** Starts the warm handover: old and new supporter are both on the plan until the family confirms. */
  async handOver(caller: Caller, input: HandOverTrajectorySupportInput): Promise<Plan> {
    return this.tx.run(caller, async (em) => {
      const { plan, attributes } = await this.writer.lock(em, caller, 'coordinate', input);
      this.writer.requireOpen(plan, 'hand over trajectory support');
      if (!attributes.hasSupporter) throw badInput('planId', 'The plan has no trajectory supporter to hand over from');
      if ((attributes.supporterUserIds as string[]).includes(input.toUserId)) {
        throw badInput('toUserId', 'toUserId is already the trajectory supporter');
      }
      if ((attributes.incomingSupporterUserIds as string[]).length > 0) {
        throw conflict('A handover is already waiting for the family to confirm');
      }
      const agencyId = await this.supporterAgency(em, plan, attributes, input.toUserId, 'toUserId');
      await this.addSupporter(em, plan.id, input.toUserId, agencyId, SupporterState.INCOMING);
      await this.tellOfHandover(em, plan, InboxItemKind.SUPPORT_HANDOVER_TO_CONFIRM, [{ portalOf: plan.familyId }]);
      return this.writer.update(em, caller, plan, {}, {
        entityType: 'TrajectorySupporter',
        entityId: plan.id,
        change: 'SUPPORT_HANDOVER_STARTED',
        details: { toUserId: input.toUserId, agencyId },
      });
    });
  }

  /**
   * The family agreed: the incoming supporter becomes the supporter, the previous one steps back. The
   * agreement comes from the member in the portal, or is recorded by another team member with its
   * method and evidence (never by the incoming supporter: policy).
   */
  async confirmHandover(caller: Caller, input: ConfirmSupportHandoverInput): Promise<Plan> {
    checkMethod(caller, input, { field: 'confirmedByMemberId', memberId: input.confirmedByMemberId, doing: 'confirm a handover' });
    return this.tx.run(caller, async (em) => {
      const { plan, attributes } = await this.writer.lock(em, caller, 'confirmHandover', input);
      if ((attributes.incomingSupporterUserIds as string[]).length === 0) {
        throw invalidTransition('Support handover', 'NOT_STARTED', 'confirm');
      }
      const [member] = await this.families.requireMembers(em, plan.familyId, [input.confirmedByMemberId], 'confirmedByMemberId');
      // The database's rule, as for consent: a recorded capacity assessment, else the 12th birthday by the families' calendar.
      const [{ capable }] = await readWithoutAudit('a check before a write that answers no personal data', em.query(`SELECT member_is_capable(fm) AS capable FROM family_member fm WHERE fm.id = $1`, [member!.id]));
      if (!capable) {
        throw badInput('confirmedByMemberId', 'The confirmation must come from a member who decides for themselves (from 12, unless a capacity assessment says otherwise)');
      }
      // While both are still on the plan: the supporter stepping back and the one taking over.
      await this.tellOfHandover(em, plan, InboxItemKind.SUPPORT_HANDED_OVER, [{ supportersOf: plan.familyId }]);
      const move = await this.families.proposedMove(em, plan.id);
      const moved = move ? { move: await this.completeMove(em, plan, move) } : {};
      await em.query(
        `UPDATE trajectory_supporter SET state = 'ENDED', ended_at = now() WHERE plan_id = $1 AND state = 'CURRENT'`,
        [plan.id],
      );
      await em.query(
        `UPDATE trajectory_supporter SET state = 'CURRENT', family_confirmation = $2 WHERE plan_id = $1 AND state = 'INCOMING'`,
        [
          plan.id,
          caller.principal.familyMember
            ? `Confirmed by family member ${member!.id} in the portal`
            : `Confirmed by family member ${member!.id}, ${input.method} (evidence: ${input.evidenceReference}), recorded by user ${caller.principal.userId}`,
        ],
      );
      return this.writer.update(em, caller, plan, {}, {
        entityType: 'TrajectorySupporter',
        entityId: plan.id,
        change: 'SUPPORT_HANDED_OVER',
        details: {
          confirmedByMemberId: member!.id,
          method: input.method,
          evidenceReference: input.evidenceReference ?? null,
          from: attributes.supporterUserIds,
          to: attributes.incomingSupporterUserIds,
          ...moved,
        },
      });
    });
  }

  /**
   * The supporter (or the network's coordinator) proposes that the family moves to another network, with the
   * caseworker who supports it there: a support handover to her, which the family confirms (confirmHandover
   * completes the move). The same proposal again changes nothing; another one while it waits answers its state.
   */
  async proposeMove(caller: Caller, input: ProposeFamilyMoveInput): Promise<FamilyMoveStep> {
    return this.tx.run(caller, async (em) => {
      let step: FamilyMoveStep | undefined;
      const moveId = await this.idempotency.once(em, caller, 'proposeFamilyMove', input, async () => (step = await this.proposeMoveWithin(em, caller, input)).move.id);
      return step ?? this.moveStepNow(em, caller, input.familyId, moveId);
    });
  }

  /** A repeat of a proposal under its idempotency key: the move and the plan's version as they are now, to who may still move the family. */
  private async moveStepNow(em: EntityManager, caller: Caller, familyId: string, moveId: string): Promise<FamilyMoveStep> {
    await this.requireMoveRight(em, caller, familyId);
    const move = await em.findOneByOrFail(FamilyMove, { id: moveId });
    const [{ version }]: { version: number }[] = await readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.query(`SELECT version FROM plan WHERE id = $1`, [move.planId]));
    return { move, planVersion: version };
  }

  private async proposeMoveWithin(em: EntityManager, caller: Caller, input: ProposeFamilyMoveInput): Promise<FamilyMoveStep> {
    const { family, plan } = await this.lockMovingPlan(em, caller, input, 'move the family with its plan');
    const waiting = await this.families.proposedMove(em, plan.id);
    if (waiting) {
      const same = waiting.toNetworkId === input.toNetworkId && waiting.toUserId === input.newSupporterUserId && waiting.toAgencyId === input.newSupporterAgencyId;
      if (same) return { move: waiting, planVersion: plan.version };
      throw invalidTransition('Family move', 'PROPOSED', 'propose another move before the family confirmed this one');
    }
    const [incoming] = await em.query(`SELECT 1 FROM trajectory_supporter WHERE plan_id = $1 AND state = 'INCOMING'`, [plan.id]);
    if (incoming) throw invalidTransition('Support handover', 'STARTED', 'propose a move before the family confirmed the handover');
    await this.requireMoveTarget(em, input, family.networkId as string);
    const move = await this.families.proposeMove(em, {
      familyId: plan.familyId,
      planId: plan.id,
      fromNetworkId: family.networkId as string,
      toNetworkId: input.toNetworkId,
      toAgencyId: input.newSupporterAgencyId,
      toUserId: input.newSupporterUserId,
      proposedByUserId: caller.principal.userId!,
    });
    await this.addSupporter(em, plan.id, input.newSupporterUserId, input.newSupporterAgencyId, SupporterState.INCOMING);
    await this.tellOfHandover(em, plan, InboxItemKind.SUPPORT_HANDOVER_TO_CONFIRM, [{ portalOf: plan.familyId }]);
    const moved = await this.writer.update(em, caller, plan, {}, {
      entityType: 'TrajectorySupporter',
      entityId: plan.id,
      change: 'FAMILY_MOVE_PROPOSED',
      details: { fromNetworkId: family.networkId, toNetworkId: input.toNetworkId, toUserId: input.newSupporterUserId, agencyId: input.newSupporterAgencyId },
    });
    return { move, planVersion: moved.version };
  }

  /**
   * The supporter (or the network's coordinator) takes a proposed move back before the family confirms it: the
   * move is WITHDRAWN and the handover it started ends with it (the incoming supporter leaves the plan); the
   * family stays in its network.
   */
  async withdrawMove(caller: Caller, input: WithdrawFamilyMoveInput): Promise<FamilyMoveStep> {
    return this.tx.run(caller, async (em) => {
      const { plan } = await this.lockMovingPlan(em, caller, input, 'withdraw a move');
      const waiting = await this.families.proposedMove(em, plan.id);
      if (!waiting) throw invalidTransition('Family move', 'NOT_PROPOSED', 'withdraw');
      const move = await this.families.withdrawMove(em, waiting);
      await em.query(`UPDATE trajectory_supporter SET state = 'ENDED', ended_at = now() WHERE plan_id = $1 AND state = 'INCOMING'`, [plan.id]);
      // Who was asked to confirm the move: the family's portal members who decide for themselves.
      await this.tellOfHandover(em, plan, InboxItemKind.FAMILY_MOVE_WITHDRAWN, [{ portalOf: plan.familyId }]);
      const withdrawn = await this.writer.update(em, caller, plan, {}, {
        entityType: 'TrajectorySupporter',
        entityId: plan.id,
        change: 'FAMILY_MOVE_WITHDRAWN',
        details: { moveId: move.id, toNetworkId: move.toNetworkId, toUserId: move.toUserId },
      });
      return { move, planVersion: withdrawn.version };
    });
  }

  /**
   * The family, if the caller may move it (its supporter, or its network's coordinator: Family `move`), and its
   * open plan, locked. NOT_FOUND to who cannot see the family, FORBIDDEN to who sees it without that right.
   */
  private async lockMovingPlan(em: EntityManager, caller: Caller, input: { familyId: string; expectedVersion?: number }, doing: string) {
    const family = await this.requireMoveRight(em, caller, input.familyId, { lock: true });
    const [open]: { id: string }[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
      `SELECT id FROM plan WHERE family_id = $1 AND status <> 'CLOSED'`,
      [input.familyId],
    ));
    if (!open) throw invalidTransition('Plan', 'CLOSED', doing);
    return { family, plan: await this.writer.lockAuthorized(em, { planId: open.id, expectedVersion: input.expectedVersion }) };
  }

  /** The family's attributes if the caller may move it: NOT_FOUND to who cannot see it, FORBIDDEN to who sees it without that right. */
  private async requireMoveRight(em: EntityManager, caller: Caller, familyId: string, options?: { lock: true }): Promise<SubjectAttributes> {
    const family = await this.policy.attributesOf(em, 'Family', familyId, options);
    if (!family || !this.policy.can(caller.ability, 'move', 'Family', family)) {
      if (family && this.policy.can(caller.ability, 'read', 'Family', family)) {
        throw forbidden("Only the family's trajectory supporter, or its network's coordinator, moves the family");
      }
      throw notFound('Family');
    }
    return family;
  }

  /** Another network, and a caseworker there to take over: else BAD_USER_INPUT naming the field. */
  private async requireMoveTarget(em: EntityManager, input: ProposeFamilyMoveInput, fromNetworkId: string): Promise<void> {
    if (input.toNetworkId === fromNetworkId) throw badInput('toNetworkId', 'toNetworkId is the family’s network already');
    const [network] = await em.query(`SELECT 1 FROM network WHERE id = $1`, [input.toNetworkId]);
    if (!network) throw badInput('toNetworkId', 'toNetworkId is no network');
    await this.agencies.requireInNetwork(em, input.newSupporterAgencyId, input.toNetworkId, 'newSupporterAgencyId');
    const [caseworker] = await em.query(`SELECT 1 FROM membership WHERE user_id = $1 AND agency_id = $2 AND role = 'CASEWORKER'`, [
      input.newSupporterUserId,
      input.newSupporterAgencyId,
    ]);
    if (!caseworker) throw badInput('newSupporterUserId', 'newSupporterUserId must be a caseworker of newSupporterAgencyId');
  }

  /**
   * The family confirmed a proposed move: it belongs to the new network from now on, the new supporter is
   * assigned to it, and the agencies that do not work in the new network leave its team (their assignments
   * end, they leave the plan); the plan and its history go on. The plan history's entry names them.
   */
  private async completeMove(em: EntityManager, plan: Plan, move: FamilyMove): Promise<Record<string, unknown>> {
    await this.families.completeMove(em, move);
    await this.assignments.assignUnlessAssigned(em, {
      familyId: move.familyId,
      userId: move.toUserId,
      agencyId: move.toAgencyId,
      assignedByUserId: move.proposedByUserId,
    });
    const unassigned = await this.assignments.endOutsideNetwork(em, move.familyId, move.toNetworkId);
    const [left]: [{ agency_id: string }[], number] = await em.query(
      `UPDATE plan_participant pp SET removed_at = now()
        WHERE pp.plan_id = $1 AND pp.removed_at IS NULL AND NOT ${agencyWorksIn('pp.agency_id', '$2::uuid')} RETURNING pp.agency_id`,
      [plan.id, move.toNetworkId],
    );
    const agenciesLeft = [...new Set([...unassigned, ...left.map((r) => r.agency_id)])].sort();
    const referralsToReview = await this.tellOfReferralsToReview(em, move);
    return { moveId: move.id, fromNetworkId: move.fromNetworkId, toNetworkId: move.toNetworkId, agenciesLeft, referralsToReview };
  }

  /**
   * Open referrals to agencies that do not work in the new network keep their state: the new supporter and the
   * caseworker who made each are asked to review it (an inbox item about the referral; the referrer sees hers
   * only while she may still read it, that is while her agency works in the new network too). The receiving
   * agency's caseworkers and admins, who were told it was sent, learn that they can no longer take it further
   * (no family on the item: the access rule refuses them the family now). One item per referral and side; a
   * family has few open ones.
   */
  private async tellOfReferralsToReview(em: EntityManager, move: FamilyMove): Promise<string[]> {
    const referrals = await openReferralsOutside(em, move.familyId, move.toNetworkId);
    for (const referral of referrals) {
      const about = { type: 'Referral', id: referral.id } as const;
      await this.inbox.deliver(
        em,
        { id: newId(), kind: InboxItemKind.REFERRAL_TO_REVIEW_AFTER_MOVE, familyId: move.familyId, about, params: {}, occurredAt: new Date() },
        [{ user: move.toUserId, agency: move.toAgencyId }, { user: referral.createdByUserId, agency: referral.fromAgencyId }],
      );
      if (referral.sent && referral.toAgencyId) {
        await this.inbox.deliver(
          em,
          { id: newId(), kind: InboxItemKind.REFERRAL_FAMILY_MOVED, familyId: move.familyId, about, params: {}, occurredAt: new Date() },
          [{ staffOf: referral.toAgencyId, roles: [MembershipRole.CASEWORKER, MembershipRole.AGENCY_ADMIN] }],
        );
      }
    }
    return referrals.map((r) => r.id);
  }

  /** The inbox items of a handover step, about the plan (docs/inbox.md). */
  private async tellOfHandover(em: EntityManager, plan: Plan, kind: InboxItemKind, audience: InboxAudience[]): Promise<void> {
    await this.inbox.deliver(em, { id: newId(), kind, familyId: plan.familyId, about: { type: 'Plan', id: plan.id }, params: {}, occurredAt: new Date() }, audience);
  }

  async addParticipant(caller: Caller, input: AddPlanParticipantInput): Promise<Plan> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'addPlanParticipant', input, async () => {
        const { plan, attributes } = await this.writer.lock(em, caller, 'coordinate', input);
        this.writer.requireOpen(plan, 'add a participant');
        await this.agencies.requireInNetwork(em, input.agencyId, attributes.networkId as string, 'agencyId');
        const participant = em.create(PlanParticipant, {
          id: newId(),
          planId: plan.id,
          agencyId: input.agencyId,
          contribution: input.contribution,
          addedAt: new Date(),
        });
        await conflictOnDuplicate(em.insert(PlanParticipant, participant), 'This agency is already on the plan team');
        return this.writer.update(em, caller, plan, {}, {
          entityType: 'PlanParticipant',
          entityId: participant.id,
          change: 'PARTICIPANT_ADDED',
          details: { agencyId: input.agencyId, contribution: input.contribution },
        });
      }, (id) => this.idempotency.readable(em, caller, Plan, 'Plan', id)),
    );
  }

  /** Current and incoming supporters of many plans, in one query filtered by the Plan read rule. */
  supportersOf(caller: Caller, loaders: RequestLoaders, planId: string): Promise<TrajectorySupporter[]> {
    return loaders
      .get<string, TrajectorySupporter[]>('supporters', async (planIds) => {
        const qb = this.db.manager
          .createQueryBuilder(TrajectorySupporter, 's')
          .where(`s.plan_id = ANY(:planIds) AND s.state <> 'ENDED'`, { planIds });
        const rows = await this.reader.of(caller).scopeThrough(qb, 'Plan', 's.plan_id').getMany();
        return groupBy(planIds, rows, (s) => s.planId);
      })
      .load(planId);
  }

  participantsOf(caller: Caller, loaders: RequestLoaders, planId: string): Promise<PlanParticipant[]> {
    return loaders
      .get<string, PlanParticipant[]>('participants', async (planIds) => {
        const qb = this.db.manager
          .createQueryBuilder(PlanParticipant, 'pp')
          .where('pp.plan_id = ANY(:planIds) AND pp.removed_at IS NULL', { planIds })
          .orderBy('pp.id');
        const rows = await this.reader.of(caller).scopeThrough(qb, 'Plan', 'pp.plan_id').getMany();
        return groupBy(planIds, rows, (p) => p.planId);
      })
      .load(planId);
  }

  /**
   * The agency through which `userId` is assigned to the family as a caseworker (else BAD_USER_INPUT). A
   * supporter who cannot read the plan she leads leaves the family without one: by the Plan read rule,
   * her agency holds the family's consent to the plan, or she wrote it. Else CONSENT_REQUIRED, naming the
   * members who can give it.
   */
  private async supporterAgency(em: EntityManager, plan: Plan, attributes: SubjectAttributes, userId: string, field: string): Promise<string> {
    const [row]: { agency_id: string }[] = await em.query(
      `SELECT ca.agency_id FROM case_assignment ca
         JOIN membership m ON m.user_id = ca.user_id AND m.agency_id = ca.agency_id AND m.role = 'CASEWORKER'
        WHERE ca.family_id = $1 AND ca.user_id = $2 AND ca.ended_at IS NULL
        ORDER BY ca.id LIMIT 1`,
      [plan.familyId, userId],
    );
    if (!row) throw badInput(field, `${field} must be a caseworker assigned to this family`);
    // The plan's attributes, as locked: the agencies holding its consent, and its author.
    const consented = (attributes.consentedAgencyIds as string[]).includes(row.agency_id) || attributes.authorUserId === userId;
    if (!consented) {
      const members: { id: string }[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(`SELECT id FROM family_member WHERE family_id = $1 ORDER BY id`, [plan.familyId]));
      throw consentRequired(`The family has not consented that the supporter's agency uses its plan (category PLAN)`, {
        memberIds: members.map((m) => m.id),
        category: 'PLAN',
        recipientAgencyId: row.agency_id,
      });
    }
    return row.agency_id;
  }

  /**
   * The receiving agency of an accepted referral joins the team of the referral's plan, unless it is on it
   * already or the plan closed meanwhile; recorded in the plan history without a new plan version.
   */
  joinFromReferral(
    em: EntityManager,
    caller: Caller,
    referral: { id: string; planId: string; toAgencyId: string; requestedService: string },
  ): Promise<boolean> {
    return this.join(em, caller, referral.planId, referral.toAgencyId, referral.requestedService, { referralId: referral.id });
  }

  /**
   * The agency of a caseworker who found the family known joins the team of its plan, as the supporter
   * accepted (docs/family-identity.md); the same as `joinFromReferral` otherwise. False when it was on it already
   * or the plan closed.
   */
  joinOnRequest(em: EntityManager, caller: Caller, request: { id: string; planId: string; agencyId: string }): Promise<boolean> {
    return this.join(em, caller, request.planId, request.agencyId, 'Asked to join the team', { teamParticipationRequestId: request.id });
  }

  private async join(em: EntityManager, caller: Caller, planId: string, agencyId: string, contribution: string, source: Record<string, string>): Promise<boolean> {
    const [joined] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
      `INSERT INTO plan_participant (id, plan_id, agency_id, contribution)
         SELECT $1, p.id, $2, $3 FROM plan p WHERE p.id = $4 AND p.status <> 'CLOSED'
       ON CONFLICT (plan_id, agency_id) WHERE removed_at IS NULL DO NOTHING RETURNING id`,
      [newId(), agencyId, contribution, planId],
    ));
    if (joined) {
      await this.history.record(em, caller, {
        planId,
        entityType: 'PlanParticipant',
        entityId: joined.id,
        change: 'PARTICIPANT_ADDED',
        details: { agencyId, contribution, ...source },
      });
    }
    return Boolean(joined);
  }

  private async addSupporter(em: EntityManager, planId: string, userId: string, agencyId: string, state: SupporterState) {
    await em.insert(TrajectorySupporter, { id: newId(), planId, userId, agencyId, state, startedAt: new Date() });
  }
}
