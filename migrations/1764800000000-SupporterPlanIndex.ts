import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The supporters of a plan, found by plan: `Plan.supporter`, and the access rule's "supports this
 * family" relation, look trajectory supporters up by plan. Only partial unique indexes (one CURRENT, one
 * INCOMING per plan) existed, which `state <> 'ENDED'` cannot use: EXPLAIN showed a sequential scan of
 * the whole table (51,000 rows at 50,000 families) in every plan(id), addAction, accessLog and referral
 * transition.
 */
export class SupporterPlanIndex1764800000000 implements MigrationInterface {
  name = 'SupporterPlanIndex1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX trajectory_supporter_plan_idx ON trajectory_supporter (plan_id) WHERE state <> 'ENDED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX trajectory_supporter_plan_idx`);
  }
}
