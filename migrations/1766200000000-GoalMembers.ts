import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Goals name the family members they concern (goal_member, as note_member for notes); actions and progress
 * notes follow their goal. A goal that names nobody is encoded by having no rows here, and its meaning
 * depends on its category (subjects.ts, Goal):
 *  - a PLAN goal (any life domain but HEALTH and SAFETY) is family data, as the plan itself: every member
 *    sees it in the portal, an agency reads it under any member's PLAN consent;
 *  - a HEALTH or SAFETY goal is the team's only: no portal login sees it, an agency reads it only under
 *    every member's consent for its category (as a note that names nobody), until a member is named.
 * Existing goals get no rows: they keep concerning the whole family, except the HEALTH and SAFETY ones,
 * which the portal no longer shows (before, every member saw every goal).
 */
export class GoalMembers1766200000000 implements MigrationInterface {
  name = 'GoalMembers1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE goal_member (
        goal_id uuid NOT NULL REFERENCES goal(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        PRIMARY KEY (goal_id, member_id)
      );
      CREATE INDEX goal_member_member_idx ON goal_member (member_id);
      CREATE TRIGGER goal_member_audit AFTER INSERT OR UPDATE OR DELETE ON goal_member
        FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE goal_member`);
  }
}
