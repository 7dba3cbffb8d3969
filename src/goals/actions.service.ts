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
import { PolicyService } from '../policy/policy.service.js';
import { ActionStatus } from './action-status.js';
import { Action } from './action.entity.js';
import type { AddActionInput } from './dto/action.inputs.js';
import { GOAL_TRANSITIONS, type GoalStatus } from './goal-status.js';
import { lockOpenPlanOfGoal } from './open-plan.js';

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
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'addAction', input, async () => {
        // Locked so that the goal cannot become ACHIEVED or DISCONTINUED while an action is added to it.
        const goal = await this.policy.authorize(em, caller.ability, 'read', 'Goal', input.goalId, { lock: true });
        this.policy.assertCan(caller.ability, 'create', 'Action', goal);
        const planId = await lockOpenPlanOfGoal(em, goal.id, 'add an action');
        const goalStatus = goal.status as GoalStatus;
        // An achieved or discontinued goal is final (no transitions left): it takes no new steps.
        if (GOAL_TRANSITIONS[goalStatus].length === 0) throw invalidTransition('Goal', goalStatus, 'add an action');
        if (input.assigneeUserId && !(goal.teamUserIds as string[]).includes(input.assigneeUserId)) {
          throw badInput('assigneeUserId', "assigneeUserId must be on the family's team (assigned to it or its trajectory supporter)");
        }
        if (input.assigneeMemberId) {
          await this.families.requireMembers(em, goal.familyId as string, [input.assigneeMemberId], 'assigneeMemberId');
        }
        return this.insert(em, caller, planId, {
          goalId: goal.id,
          title: input.title.trim(),
          assigneeUserId: input.assigneeUserId ?? null,
          assigneeMemberId: input.assigneeMemberId ?? null,
          dueDate: input.dueDate ?? null,
        });
      }, (id) => this.idempotency.readable(em, caller, Action, 'Action', id)),
    );
  }

  /** Writes a new OPEN action with its history entry, in the caller's transaction (checks done). */
  async insert(
    em: EntityManager,
    caller: Caller,
    planId: string,
    fields: Pick<Action, 'goalId' | 'title' | 'assigneeUserId' | 'assigneeMemberId' | 'dueDate'>,
  ): Promise<Action> {
    const action = em.create(Action, {
      ...fields,
      id: newId(),
      createdByUserId: caller.principal.userId,
      status: ActionStatus.OPEN,
      completedAt: null,
    });
    await em.insert(Action, action);
    await this.history.record(em, caller, {
      planId,
      entityType: 'Action',
      entityId: action.id,
      change: 'ACTION_ADDED',
      details: {
        goalId: action.goalId,
        title: action.title,
        assigneeUserId: action.assigneeUserId,
        assigneeMemberId: action.assigneeMemberId,
        dueDate: action.dueDate,
      },
    });
    return readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(Action, { id: action.id }));
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
