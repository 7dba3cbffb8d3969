import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { GraphQLResolveInfo } from 'graphql';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { badInput, invalidTransition, notFound } from '../common/errors.js';
import { newId, UUID_PATTERN } from '../common/ids.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { FamiliesService } from '../families/families.service.js';
import { PlanHistoryService } from '../history/plan-history.service.js';
import { compileSelection } from '../graphql/compiled-selection.js';
import { groupBy, oneBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PolicyService } from '../policy/policy.service.js';
import type { ActivatePlanInput, ClosePlanInput, OpenPlanInput, ReopenPlanInput, UpdatePlanInput } from './dto/plan.inputs.js';
import { CloseReasonCode } from './close-reason-code.js';
import { PlanStatus } from './plan-status.js';
import { PLAN_READ } from './plan-read.js';
import { PlanWriter } from './plan-writer.js';
import { Plan } from './plan.entity.js';

const ONE_OPEN_PLAN = 'plan_one_open_per_family_uq';

@Injectable()
export class PlansService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly writer: PlanWriter,
    private readonly history: PlanHistoryService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly reader: PersonalReader,
    private readonly families: FamiliesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The plan `plan(id)` answers: with what the request selects under it read by the same statement when the
   * selection compiles (plan-read.ts; its field resolvers then return what it carries), else the plan alone.
   */
  async get(caller: Caller, id: string, info?: GraphQLResolveInfo): Promise<Plan> {
    const planId = UUID_PATTERN.test(id) ? id : null;
    const compiled = info && this.config.compiledReads ? compileSelection(PLAN_READ, info) : null;
    const plan = compiled
      ? ((await this.reader.of(caller).compiled(compiled, planId)) as Plan | null)
      : await this.reader.of(caller).one(this.db.manager.createQueryBuilder(Plan, 'p').where('p.id = :id', { id: planId }), 'Plan');
    if (!plan) throw notFound('Plan');
    return plan;
  }

  /** Opens the family's plan. A second open plan is refused by the database itself (CONFLICT). */
  async open(caller: Caller, input: OpenPlanInput): Promise<Plan> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'openPlan', input, async () => {
        const family = await this.policy.authorize(em, caller.ability, 'read', 'Family', input.familyId, { lock: true });
        this.policy.assertCan(caller.ability, 'create', 'Plan', family);
        return this.insert(em, caller, {
          familyId: family.id,
          summary: input.summary,
          strengths: input.strengths ?? null,
          generation: 1,
          previousPlanId: null,
        });
      }, (id) => this.idempotency.readable(em, caller, Plan, 'Plan', id)),
    );
  }

  /** Reopening a closed plan starts its next version as a new draft; the closed one stays as it was. */
  async reopen(caller: Caller, input: ReopenPlanInput): Promise<Plan> {
    return this.tx.run(caller, async (em) => {
      const { plan, attributes } = await this.writer.lock(em, caller, 'read', input);
      this.policy.assertCan(caller.ability, 'create', 'Plan', attributes);
      if (plan.status !== PlanStatus.CLOSED) throw invalidTransition('Plan', plan.status, 'reopen');
      return this.insert(em, caller, {
        familyId: plan.familyId,
        summary: input.summary ?? plan.summary,
        strengths: plan.strengths,
        generation: plan.generation + 1,
        previousPlanId: plan.id,
      });
    });
  }

  async update(caller: Caller, input: UpdatePlanInput): Promise<Plan> {
    return this.tx.run(caller, async (em) => {
      const { plan } = await this.writer.lock(em, caller, 'update', input);
      this.writer.requireOpen(plan, 'update');
      const changes: Partial<Plan> = {};
      if (input.summary != null) changes.summary = input.summary;
      if (input.strengths !== undefined) changes.strengths = input.strengths ?? null;
      return this.writer.update(em, caller, plan, changes, {
        entityType: 'Plan',
        entityId: plan.id,
        change: 'PLAN_UPDATED',
        details: { fields: Object.keys(changes) },
      });
    });
  }

  /** DRAFT → ACTIVE, by the trajectory supporter (so an active plan always has one). */
  async activate(caller: Caller, input: ActivatePlanInput): Promise<Plan> {
    return this.tx.run(caller, async (em) => {
      const { plan, attributes } = await this.writer.lock(em, caller, 'coordinate', input);
      if (plan.status !== PlanStatus.DRAFT) throw invalidTransition('Plan', plan.status, 'activate');
      if (!attributes.hasSupporter) throw invalidTransition('Plan', plan.status, 'activate without a trajectory supporter');
      return this.writer.update(em, caller, plan, { status: PlanStatus.ACTIVE }, {
        entityType: 'Plan',
        entityId: plan.id,
        change: 'PLAN_ACTIVATED',
        details: { from: PlanStatus.DRAFT, to: PlanStatus.ACTIVE },
      });
    });
  }

  /**
   * DRAFT or ACTIVE → CLOSED, with a reason code and the family members who agreed. Both are optional in
   * the API, which clients know as `closePlan(input: { planId, reason })`: without a code the reason in
   * words is the reason (OTHER); without members the plan records that no family member agreed.
   */
  async close(caller: Caller, input: ClosePlanInput): Promise<Plan> {
    const reasonCode = input.reasonCode ?? CloseReasonCode.OTHER;
    const agreedByMemberIds = input.agreedByMemberIds ?? [];
    if (reasonCode === CloseReasonCode.MERGED) throw badInput('reasonCode', 'MERGED is the reason of a merge of two families (mergeFamilies), not of closePlan');
    if (reasonCode === CloseReasonCode.OTHER && !input.reason) {
      throw badInput('reason', 'Give the reason in words when the reason code is OTHER');
    }
    return this.tx.run(caller, async (em) => {
      const { plan } = await this.writer.lock(em, caller, 'coordinate', input);
      this.writer.requireOpen(plan, 'close');
      await this.requireAgreement(em, caller, plan.familyId, agreedByMemberIds);
      // A handover that was never confirmed ends with the plan.
      await em.query(
        `UPDATE trajectory_supporter SET state = 'ENDED', ended_at = now() WHERE plan_id = $1 AND state = 'INCOMING'`,
        [plan.id],
      );
      await em.query(`INSERT INTO plan_closure_agreement (plan_id, member_id) SELECT $1, unnest($2::uuid[])`, [
        plan.id,
        agreedByMemberIds,
      ]);
      const closing = {
        status: PlanStatus.CLOSED,
        closeReasonCode: reasonCode,
        closeReason: input.reason ?? null,
        closedAt: new Date(),
        closedByUserId: caller.principal.userId,
      };
      // The history keeps codes and ids; the reason in words stays on the plan (and is erased with it).
      return this.writer.update(em, caller, plan, closing, {
        entityType: 'Plan',
        entityId: plan.id,
        change: 'PLAN_CLOSED',
        details: { from: plan.status, to: PlanStatus.CLOSED, reasonCode, agreedByMemberIds },
      });
    });
  }

  /** The members of each plan's closure agreement (Plan.agreedBy), in one query per request. */
  agreedMemberIdsOf(loaders: RequestLoaders, planId: string): Promise<string[]> {
    return loaders
      .get<string, string[]>('closureAgreement', async (planIds) => {
        const rows: { plan_id: string; member_id: string }[] = await this.db.query(
          `SELECT plan_id, member_id FROM plan_closure_agreement WHERE plan_id = ANY($1) ORDER BY member_id`,
          [planIds],
        );
        return groupBy(planIds, rows, (row) => row.plan_id).map((group) => group.map((row) => row.member_id));
      })
      .load(planId);
  }

  private async requireAgreement(em: EntityManager, caller: Caller, familyId: string, memberIds: string[]): Promise<void> {
    const members: { id: string; may_agree: boolean }[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
      `SELECT fm.id,
              member_is_capable(fm) OR member_represents_children(fm) AS may_agree
         FROM family_member fm WHERE fm.family_id = $1 AND fm.id = ANY($2::uuid[])`,
      [familyId, memberIds],
    ));
    if (members.length !== memberIds.length) throw badInput('agreedByMemberIds', 'agreedByMemberIds must name members of this family');
    const unable = members.find((m) => !m.may_agree);
    if (unable) {
      throw badInput(
        'agreedByMemberIds',
        `${await this.families.nameFor(caller, unable.id)} cannot agree yet: a member who decides for themselves, or an adult parent or caregiver, agrees`,
      );
    }
  }

  /** The open plan of each family (Family.plan), filtered by the Plan read rule in one query. */
  openPlanOf(caller: Caller, loaders: RequestLoaders, familyId: string): Promise<Plan | null> {
    return loaders
      .get<string, Plan | null>('openPlanByFamily', async (familyIds) => {
        const qb = this.db.manager
          .createQueryBuilder(Plan, 'p')
          .where(`p.family_id = ANY(:familyIds) AND p.status <> 'CLOSED'`, { familyIds });
        const rows = await this.reader.of(caller).many(qb, 'Plan');
        return oneBy(familyIds, rows, (p) => p.familyId);
      })
      .load(familyId);
  }

  private async insert(em: EntityManager, caller: Caller, fields: Partial<Plan>): Promise<Plan> {
    const plan = em.create(Plan, {
      ...fields,
      id: newId(),
      status: PlanStatus.DRAFT,
      version: 1,
      createdByUserId: caller.principal.userId,
    });
    await conflictOnDuplicate(em.insert(Plan, plan), 'This family already has an open plan', ONE_OPEN_PLAN);
    await this.history.record(em, caller, {
      planId: plan.id,
      entityType: 'Plan',
      entityId: plan.id,
      change: fields.previousPlanId ? 'PLAN_REOPENED' : 'PLAN_OPENED',
      details: { previousPlanId: fields.previousPlanId },
    });
    return readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(Plan, { id: plan.id }));
  }

  /** The open plans of these families, locked for a merge, by family id (a check before a write: nothing answered). */
  async lockOpenPlans(em: EntityManager, familyIds: string[]): Promise<Map<string, Plan>> {
    const plans = await readWithoutAudit(
      'a check before a write that answers no personal data',
      em.createQueryBuilder(Plan, 'p').where(`p.family_id = ANY(:familyIds) AND p.status <> 'CLOSED'`, { familyIds }).orderBy('p.id').setLock('pessimistic_write').getMany(),
    );
    return new Map(plans.map((plan) => [plan.familyId, plan]));
  }

  /**
   * A merge of two families (docs/family-merge.md): the absorbed open plan closes as MERGED (its supporters
   * end; its agencies join the surviving plan's team), and every plan of the absorbed family, with its
   * history untouched, belongs to the surviving family from now on. Both plans' histories say so.
   */
  async absorb(em: EntityManager, caller: Caller, absorbed: Plan, surviving: Plan, mergeId: string): Promise<void> {
    await em.query(`UPDATE trajectory_supporter SET state = 'ENDED', ended_at = now() WHERE plan_id = $1 AND state <> 'ENDED'`, [absorbed.id]);
    const joining: { agency_id: string; contribution: string }[] = await em.query(
      `SELECT a.agency_id, a.contribution FROM plan_participant a WHERE a.plan_id = $1 AND a.removed_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM plan_participant s WHERE s.plan_id = $2 AND s.agency_id = a.agency_id AND s.removed_at IS NULL)`,
      [absorbed.id, surviving.id],
    );
    for (const participant of joining) {
      await em.query(`INSERT INTO plan_participant (id, plan_id, agency_id, contribution) VALUES ($1, $2, $3, $4)`, [
        newId(),
        surviving.id,
        participant.agency_id,
        participant.contribution,
      ]);
    }
    await em.query(`UPDATE plan_participant SET removed_at = now() WHERE plan_id = $1 AND removed_at IS NULL`, [absorbed.id]);
    const closing = { status: PlanStatus.CLOSED, closeReasonCode: CloseReasonCode.MERGED, closeReason: null, closedAt: new Date(), closedByUserId: caller.principal.userId };
    await this.writer.update(em, caller, absorbed, closing, {
      entityType: 'Plan',
      entityId: absorbed.id,
      change: 'PLAN_CLOSED',
      details: { from: absorbed.status, to: PlanStatus.CLOSED, reasonCode: CloseReasonCode.MERGED, mergedIntoPlanId: surviving.id, mergeId },
    });
    // Each plan keeps the registration whose family-level consents govern it (docs/family-merge.md, "Consents do not widen").
    await em.query(`UPDATE plan SET family_id = $2, consent_family_id = COALESCE(consent_family_id, family_id) WHERE family_id = $1`, [
      absorbed.familyId,
      surviving.familyId,
    ]);
    await this.history.record(em, caller, {
      planId: surviving.id,
      entityType: 'Plan',
      entityId: surviving.id,
      change: 'FAMILY_MERGED',
      details: { absorbedPlanId: absorbed.id, mergeId },
    });
  }
}
