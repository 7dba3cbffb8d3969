import type { EntityManager } from 'typeorm';
import { invalidTransition } from '../common/errors.js';
import { PlanStatus } from '../plans/plan-status.js';
import { readWithoutAudit } from '../audit/personal-reader.js';

/**
 * The id of the plan a goal belongs to, refusing a closed plan. The plan row is share-locked so
 * that closing the plan (which locks it for update) waits until this change has committed.
 */
export async function lockOpenPlanOfGoal(em: EntityManager, goalId: string, attempted: string): Promise<string> {
  const [plan]: { id: string; status: PlanStatus }[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
    `SELECT p.id, p.status FROM plan p JOIN goal g ON g.plan_id = p.id WHERE g.id = $1 FOR SHARE OF p`,
    [goalId],
  ));
  refuseClosedPlan(plan!.status, attempted);
  return plan!.id;
}

/** A closed plan takes no changes: INVALID_TRANSITION naming its state. */
export function refuseClosedPlan(status: PlanStatus, attempted: string): void {
  if (status === PlanStatus.CLOSED) throw invalidTransition('Plan', status, attempted);
}
