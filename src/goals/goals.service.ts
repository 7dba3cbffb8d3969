import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, conflict, invalidTransition } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { groupBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { FamiliesService } from '../families/families.service.js';
import { type MemberPair, PAIRS, pairColumns, repointMembersSql } from '../families/member-pair.js';
import { PlanHistoryService } from '../history/plan-history.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PlanStatus } from '../plans/plan-status.js';
import { PolicyService } from '../policy/policy.service.js';
import type { AddGoalInput, UpdateGoalInput } from './dto/goal.inputs.js';
import { GoalMember } from './goal-member.entity.js';
import { GoalOwner } from './goal-owner.js';
import { GoalProgressNote } from './goal-progress-note.entity.js';
import { GOAL_TRANSITIONS, GoalStatus } from './goal-status.js';
import { Goal } from './goal.entity.js';
import { lockOpenPlanOfGoal } from './open-plan.js';

@Injectable()
export class GoalsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly families: FamiliesService,
    private readonly history: PlanHistoryService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly reader: PersonalReader,
    private readonly agencies: AgenciesService,
  ) {}

  /** A new goal on an open plan starts as PROPOSED; the family or an agency of the network owns it. */
  async add(caller: Caller, input: AddGoalInput): Promise<Goal> {
    if (input.owner === GoalOwner.FAMILY && input.ownerAgencyId) {
      throw badInput('ownerAgencyId', 'A goal the family owns has no owner agency');
    }
    if (input.owner === GoalOwner.AGENCY && !input.ownerAgencyId) {
      throw badInput('ownerAgencyId', 'A goal an agency owns needs ownerAgencyId');
    }
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'addGoal', input, async () => {
        const plan = await this.policy.authorize(em, caller.ability, 'read', 'Plan', input.planId, { lock: true });
        this.policy.assertCan(caller.ability, 'create', 'Goal', plan);
        if (plan.status === PlanStatus.CLOSED) throw invalidTransition('Plan', PlanStatus.CLOSED, 'add a goal');
        if (input.ownerAgencyId) {
          await this.agencies.requireInNetwork(em, input.ownerAgencyId, plan.networkId as string, 'ownerAgencyId');
        }
        const memberIds = await this.requireMembers(em, caller, plan.familyId as string, input.memberIds ?? []);
        return this.insert(
          em,
          caller,
          {
            planId: plan.id,
            lifeDomain: input.lifeDomain,
            description: input.description.trim(),
            owner: input.owner,
            ownerAgencyId: input.ownerAgencyId ?? null,
          },
          memberIds,
        );
      }, (id) => this.idempotency.readable(em, caller, Goal, 'Goal', id)),
    );
  }

  /**
   * Writes a new PROPOSED goal about `memberIds` (none: see GoalMembers migration) with its history entry,
   * in the caller's transaction (checks done).
   */
  async insert(
    em: EntityManager,
    caller: Caller,
    fields: Pick<Goal, 'planId' | 'lifeDomain' | 'description' | 'owner' | 'ownerAgencyId'> & Partial<Pick<Goal, 'transitionMemberId'>>,
    memberIds: string[] = [],
  ): Promise<Goal> {
    const goal = em.create(Goal, {
      ...fields,
      id: newId(),
      createdByUserId: caller.principal.userId,
      status: GoalStatus.PROPOSED,
      version: 1,
    });
    await em.insert(Goal, goal);
    await this.nameMembers(em, goal.id, memberIds);
    await this.history.record(em, caller, {
      planId: goal.planId,
      entityType: 'Goal',
      entityId: goal.id,
      change: 'GOAL_ADDED',
      details: { lifeDomain: goal.lifeDomain, owner: goal.owner, ownerAgencyId: goal.ownerAgencyId, status: goal.status, memberIds },
    });
    return readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(Goal, { id: goal.id }));
  }

  /** Changes the wording and/or status, appends a progress note; every update is a new version. */
  async update(caller: Caller, input: UpdateGoalInput): Promise<Goal> {
    // GraphQL clients may send an optional field as null: null means "not given", as absent does.
    if (input.description == null && input.status == null && input.progressNote == null && input.memberIds == null) {
      throw badInput('input', 'Give a description, status, progressNote or memberIds to change');
    }
    return this.tx.run(caller, async (em) => {
      const attributes = await this.policy.authorize(em, caller.ability, 'update', 'Goal', input.goalId, { lock: true });
      const goal = await readWithoutAudit('the record the caller changes, authorized and locked first (audited by the write triggers)', em.findOneByOrFail(Goal, { id: input.goalId }));
      if (input.expectedVersion != null && input.expectedVersion !== goal.version) {
        throw conflict(`The goal changed meanwhile: version ${goal.version}, not ${input.expectedVersion}`);
      }
      await lockOpenPlanOfGoal(em, goal.id, 'update a goal');
      if (input.status != null && !GOAL_TRANSITIONS[goal.status].includes(input.status)) {
        throw invalidTransition('Goal', goal.status, `become ${input.status}`);
      }

      const changed: Record<string, { before: unknown; after: unknown }> = {};
      const description = input.description?.trim();
      if (description != null && description !== goal.description) {
        changed.description = { before: goal.description, after: description };
        goal.description = description;
      }
      if (input.status != null) {
        changed.status = { before: goal.status, after: input.status };
        goal.status = input.status;
      }
      if (input.memberIds != null) {
        const after = await this.requireMembers(em, caller, attributes.familyId as string, input.memberIds);
        const before = await this.memberIdsIn(em, goal.id);
        if (after.join() !== before.join()) {
          changed.memberIds = { before, after };
          await em.delete(GoalMember, { goalId: goal.id });
          await this.nameMembers(em, goal.id, after);
        }
      }
      let progressNoteId: string | undefined;
      if (input.progressNote != null) {
        progressNoteId = await this.addProgressNote(em, caller, goal.id, input.progressNote);
      }
      Object.assign(goal, { version: goal.version + 1, updatedAt: new Date() });
      await em.update(Goal, { id: goal.id }, {
        description: goal.description,
        status: goal.status,
        version: goal.version,
        updatedAt: goal.updatedAt,
      });
      await this.history.record(em, caller, {
        planId: goal.planId,
        entityType: 'Goal',
        entityId: goal.id,
        change: 'GOAL_UPDATED',
        details: { ...changed, ...(progressNoteId && { progressNoteId }), version: goal.version },
      });
      return goal;
    });
  }

  /** Goals of many plans in one query, filtered by the Goal read rule. */
  goalsOf(caller: Caller, loaders: RequestLoaders, planId: string): Promise<Goal[]> {
    return loaders
      .get<string, Goal[]>('planGoals', (planIds) =>
        this.reader.of(caller).grouped(this.db.manager.createQueryBuilder(Goal, 'g'), 'Goal', {
          column: 'g.plan_id',
          keys: planIds,
          keyOf: (g) => g.planId,
        }),
      )
      .load(planId);
  }

  /** Progress notes of many goals in one query: whoever may read the goal reads its progress. */
  progressNotesOf(caller: Caller, loaders: RequestLoaders, goalId: string): Promise<GoalProgressNote[]> {
    return loaders
      .get<string, GoalProgressNote[]>('goalProgressNotes', (goalIds) =>
        this.reader.of(caller).grouped(
          this.db.manager.createQueryBuilder(GoalProgressNote, 'gpn'),
          'Goal',
          { column: 'gpn.goal_id', keys: goalIds, keyOf: (n) => n.goalId },
          { entityType: 'GoalProgressNote', through: 'gpn.goal_id' },
        ),
      )
      .load(goalId);
  }

  /** The ids of the members each goal names, for many goals in one query filtered by the Goal read rule. */
  memberIdsOf(caller: Caller, loaders: RequestLoaders, goalId: string): Promise<string[]> {
    return loaders
      .get<string, string[]>('goalMemberIds', async (goalIds) => {
        const qb = this.db.manager
          .createQueryBuilder(GoalMember, 'gm')
          .where('gm.goal_id = ANY(:goalIds)', { goalIds })
          .orderBy('gm.member_id');
        const rows = await this.reader.of(caller).scopeThrough(qb, 'Goal', 'gm.goal_id').getMany();
        return groupBy(goalIds, rows, (gm) => gm.goalId).map((group) => group.map((gm) => gm.memberId));
      })
      .load(goalId);
  }

  /** The members a goal may name: of the plan's family and visible to the caller; sorted ids. */
  private async requireMembers(em: EntityManager, caller: Caller, familyId: string, memberIds: string[]): Promise<string[]> {
    const members = await this.families.requireMembers(em, familyId, memberIds, 'memberIds', { visibleTo: caller });
    return members.map((m) => m.id).sort();
  }

  private async memberIdsIn(em: EntityManager, goalId: string): Promise<string[]> {
    const rows = await em.find(GoalMember, { where: { goalId }, order: { memberId: 'ASC' } });
    return rows.map((row) => row.memberId);
  }

  private async nameMembers(em: EntityManager, goalId: string, memberIds: string[]): Promise<void> {
    if (memberIds.length) await em.insert(GoalMember, memberIds.map((memberId) => ({ goalId, memberId })));
  }

  private async addProgressNote(em: EntityManager, caller: Caller, goalId: string, body: string): Promise<string> {
    // Only a user acting for an agency holds a rule that lets it update a goal.
    const note = em.create(GoalProgressNote, {
      id: newId(),
      goalId,
      body: body.trim(),
      authorUserId: caller.principal.userId!,
      authorAgencyId: caller.principal.acting!.agencyId,
    });
    await em.insert(GoalProgressNote, note);
    return note.id;
  }

  /**
   * A merge of two plans (docs/family-merge.md): the goals of `fromPlanId`, with their actions and progress, go to
   * `toPlanId`, still governed by the family-level consents of `registrationId` (the registration they come from).
   */
  async moveToPlan(em: EntityManager, fromPlanId: string, toPlanId: string, registrationId: string): Promise<void> {
    // A goal an earlier merge brought into that plan keeps the registration it came from then.
    await em.query(`UPDATE goal SET plan_id = $2, consent_family_id = COALESCE(consent_family_id, $3) WHERE plan_id = $1`, [fromPlanId, toPlanId, registrationId]);
  }

  /**
   * A merge of members that are the same person (docs/family-merge.md): goals, their transitions and actions name
   * the surviving member; a goal that named both names her once.
   */
  async mapMembers(em: EntityManager, pairs: readonly MemberPair[]): Promise<void> {
    const columns = pairColumns(pairs);
    await em.query(repointMembersSql('goal_member', 'goal_id'), columns);
    await em.query(`DELETE FROM goal_member WHERE member_id = ANY($1::uuid[])`, [columns[0]]);
    await em.query(`UPDATE goal g SET transition_member_id = p.surviving FROM ${PAIRS} WHERE g.transition_member_id = p.absorbed`, columns);
    await em.query(`UPDATE action a SET assignee_member_id = p.surviving FROM ${PAIRS} WHERE a.assignee_member_id = p.absorbed`, columns);
  }
}
