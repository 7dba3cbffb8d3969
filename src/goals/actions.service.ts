import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, invalidTransition } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { FamiliesService } from '../families/families.service.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { PlanHistoryService } from '../history/plan-history.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PlanStatus } from '../plans/plan-status.js';
import { PolicyService } from '../policy/policy.service.js';
import { SqlParams } from '../policy/sql-scope.js';
import { ActionStatus } from './action-status.js';
import { Action } from './action.entity.js';
import type { AddActionInput } from './dto/action.inputs.js';
import { GOAL_TRANSITIONS, type GoalStatus } from './goal-status.js';
import { lockOpenPlanOfGoal, refuseClosedPlan } from './open-plan.js';

/** An action row as the entity's properties (the date as written, YYYY-MM-DD). */
const ACTION_COLUMNS = `id, goal_id AS "goalId", title, assignee_user_id AS "assigneeUserId", assignee_member_id AS "assigneeMemberId",
  due_date::text AS "dueDate", status, completed_at AS "completedAt", created_by_user_id AS "createdByUserId", created_at AS "createdAt"`;

@Injectable()
export class ActionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly families: FamiliesService,
    private readonly history: PlanHistoryService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly reader: PersonalReader,
  ) {}

  /** A step under an open goal, for exactly one person: someone on the family's team or a family member. */
  async add(caller: Caller, input: AddActionInput): Promise<Action> {
    if (Boolean(input.assigneeUserId) === Boolean(input.assigneeMemberId)) {
      throw badInput('assigneeUserId', 'Give exactly one of assigneeUserId and assigneeMemberId');
    }
    return this.tx.naming(caller, (em, actor) =>
      this.idempotency.created(em, caller, 'addAction', input, async () => {
        // The goal locked so that it cannot become ACHIEVED or DISCONTINUED while an action is added to it, its plan
        // share-locked so that closing the plan waits for this change (as lockOpenPlanOfGoal), in the statement
        // that names the actor.
        const goal = await this.policy.authorize(em, caller.ability, 'read', 'Goal', input.goalId, {
          lock: true,
          shareLock: 'p',
          also: { planStatus: 'p.status' },
          actor,
        });
        this.policy.assertCan(caller.ability, 'create', 'Action', goal);
        refuseClosedPlan(goal.planStatus as PlanStatus, 'add an action');
        const goalStatus = goal.status as GoalStatus;
        // An achieved or discontinued goal is final (no transitions left): it takes no new steps.
        if (GOAL_TRANSITIONS[goalStatus].length === 0) throw invalidTransition('Goal', goalStatus, 'add an action');
        if (input.assigneeUserId && !(goal.teamUserIds as string[]).includes(input.assigneeUserId)) {
          throw badInput('assigneeUserId', "assigneeUserId must be on the family's team (assigned to it or its trajectory supporter)");
        }
        if (input.assigneeMemberId) {
          await this.families.requireMembers(em, goal.familyId as string, [input.assigneeMemberId], 'assigneeMemberId');
        }
        return this.insert(em, caller, goal.planId as string, {
          goalId: goal.id,
          title: input.title.trim(),
          assigneeUserId: input.assigneeUserId ?? null,
          assigneeMemberId: input.assigneeMemberId ?? null,
          dueDate: input.dueDate ?? null,
        });
      }, (id) => this.idempotency.readable(em, caller, Action, 'Action', id)),
    );
  }

  /**
   * Writes a new OPEN action with its history entry, in the caller's transaction (checks done): one statement,
   * which answers the action as written.
   */
  async insert(
    em: EntityManager,
    caller: Caller,
    planId: string,
    fields: Pick<Action, 'goalId' | 'title' | 'assigneeUserId' | 'assigneeMemberId' | 'dueDate'>,
  ): Promise<Action> {
    const id = newId();
    const params = new SqlParams();
    const history = this.history.recordingSql(caller, {
      planId,
      entityType: 'Action',
      entityId: id,
      change: 'ACTION_ADDED',
      details: {
        goalId: fields.goalId,
        title: fields.title,
        assigneeUserId: fields.assigneeUserId,
        assigneeMemberId: fields.assigneeMemberId,
        dueDate: fields.dueDate,
      },
    }, params);
    const sql = `WITH history AS (${history})
      INSERT INTO action (id, goal_id, title, assignee_user_id, assignee_member_id, due_date, status, completed_at, created_by_user_id)
      VALUES (${params.add(id)}::uuid, ${params.add(fields.goalId)}::uuid, ${params.add(fields.title)}, ${params.add(fields.assigneeUserId)}::uuid,
              ${params.add(fields.assigneeMemberId)}::uuid, ${params.add(fields.dueDate)}::date, ${params.add(ActionStatus.OPEN)}, NULL, ${params.add(caller.principal.userId)}::uuid)
      RETURNING ${ACTION_COLUMNS}`;
    const [query, values] = em.connection.driver.escapeQueryWithParameters(sql, params.values);
    const [row]: Action[] = await readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.query(query, values));
    return em.create(Action, row);
  }

  complete(caller: Caller, actionId: string): Promise<Action> {
    return this.close(caller, actionId, ActionStatus.DONE, 'ACTION_COMPLETED');
  }

  cancel(caller: Caller, actionId: string): Promise<Action> {
    return this.close(caller, actionId, ActionStatus.CANCELLED, 'ACTION_CANCELLED');
  }

  /** Actions of many goals in one query, filtered by the Action read rule. */
  actionsOf(caller: Caller, loaders: RequestLoaders, goalId: string): Promise<Action[]> {
    return loaders
      .get<string, Action[]>('goalActions', (goalIds) =>
        this.reader.of(caller).grouped(this.db.manager.createQueryBuilder(Action, 'a'), 'Action', {
          column: 'a.goal_id',
          keys: goalIds,
          keyOf: (a) => a.goalId,
        }),
      )
      .load(goalId);
  }

  /** OPEN → DONE or CANCELLED; a volunteer may do so only for an action assigned to it (policy). */
  private async close(
    caller: Caller,
    actionId: string,
    to: ActionStatus.DONE | ActionStatus.CANCELLED,
    change: 'ACTION_COMPLETED' | 'ACTION_CANCELLED',
  ): Promise<Action> {
    const attempted = to === ActionStatus.DONE ? 'complete' : 'cancel';
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'Action', actionId, { lock: true });
      const action = await readWithoutAudit('the record the caller changes, authorized and locked first (audited by the write triggers)', em.findOneByOrFail(Action, { id: actionId }));
      const planId = await lockOpenPlanOfGoal(em, action.goalId, `${attempted} an action`);
      if (action.status !== ActionStatus.OPEN) throw invalidTransition('Action', action.status, attempted);
      Object.assign(action, { status: to, completedAt: to === ActionStatus.DONE ? new Date() : null });
      await em.update(Action, { id: action.id }, { status: action.status, completedAt: action.completedAt });
      await this.history.record(em, caller, {
        planId,
        entityType: 'Action',
        entityId: action.id,
        change,
        details: { goalId: action.goalId, from: ActionStatus.OPEN, to },
      });
      return action;
    });
  }
}
