import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import { conflict, invalidTransition } from '../common/errors.js';
import { type PlanChange, PlanHistoryService } from '../history/plan-history.service.js';
import type { PolicyAction } from '../policy/ability.factory.js';
import { PolicyService, type SubjectAttributes } from '../policy/policy.service.js';
import { PlanStatus } from './plan-status.js';
import { Plan } from './plan.entity.js';
import { readWithoutAudit } from '../audit/personal-reader.js';

/** The steps every plan mutation shares: authorize and lock, check the version, write with history. */
@Injectable()
export class PlanWriter {
  constructor(
    private readonly policy: PolicyService,
    private readonly history: PlanHistoryService,
  ) {}

  /** The plan, locked for this transaction, if the caller may `action` it at `expectedVersion`. */
  async lock(
    em: EntityManager,
    caller: Caller,
    action: PolicyAction,
    ref: { planId: string; expectedVersion?: number | null },
  ): Promise<{ plan: Plan; attributes: SubjectAttributes }> {
    const attributes = await this.policy.authorize(em, caller.ability, action, 'Plan', ref.planId, { lock: true });
    const plan = await readWithoutAudit('the record the caller changes, authorized and locked first (audited by the write triggers)', em.findOneByOrFail(Plan, { id: ref.planId }));
    return { plan: this.atVersion(plan, ref.expectedVersion), attributes };
  }

  /**
   * The plan, locked, at `expectedVersion`, for a caller authorized on another record: moving a family is a
   * right on the Family (its supporter, or its network's coordinator, who reads no plan).
   */
  async lockAuthorized(em: EntityManager, ref: { planId: string; expectedVersion?: number | null }): Promise<Plan> {
    const plan = await readWithoutAudit(
      'the record the caller changes, authorized and locked first (audited by the write triggers)',
      em.findOneOrFail(Plan, { where: { id: ref.planId }, lock: { mode: 'pessimistic_write' } }),
    );
    return this.atVersion(plan, ref.expectedVersion);
  }

  private atVersion(plan: Plan, expectedVersion: number | null | undefined): Plan {
    if (expectedVersion != null && expectedVersion !== plan.version) {
      throw conflict(`The plan changed meanwhile: version ${plan.version}, not ${expectedVersion}`);
    }
    return plan;
  }

  requireOpen(plan: Plan, attempted: string): void {
    if (plan.status === PlanStatus.CLOSED) throw invalidTransition('Plan', plan.status, attempted);
  }

  /** Applies `changes`, bumps the version and records the change in the plan history. */
  async update(
    em: EntityManager,
    caller: Caller,
    plan: Plan,
    changes: Partial<Plan>,
    event: Omit<PlanChange, 'planId'>,
  ): Promise<Plan> {
    Object.assign(plan, changes, { version: plan.version + 1, updatedAt: new Date() });
    await em.update(Plan, { id: plan.id }, { ...changes, version: plan.version, updatedAt: plan.updatedAt });
    await this.history.record(em, caller, { planId: plan.id, ...event });
    return plan;
  }
}
