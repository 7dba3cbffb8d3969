import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consents do not widen through a merge (docs/family-merge.md): a plan and a goal keep the registration whose
 * family-level consents govern them (`consent_family_id`, set by a merge; null: the plan's family), and a
 * registration merged into a family keeps when it joined it (`merged_at`), so that a family-level consent given
 * in that family afterwards covers it too, and one given before does not.
 *
 * Merges made before: a record's registration is the family its creation was audited for (the INSERT entry of
 * `audit_event`, looked up by the registrations merged since, on `audit_event_family_idx`); a registration
 * joined its family when the merge that absorbed it was made, or, merged into one absorbed since, at the latest
 * merge into that family (later: fewer consents count, never more).
 */
export class ConsentsDoNotWiden1766836000000 implements MigrationInterface {
  name = 'ConsentsDoNotWiden1766836000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The backfill below is a write like any other: audited, under a named actor.
      SELECT set_config('app.actor_subject', 'migration:ConsentsDoNotWiden', true),
             set_config('app.legal_basis', 'ADMINISTRATION', true);

      ALTER TABLE family ADD COLUMN merged_at timestamptz;
      ALTER TABLE plan ADD COLUMN consent_family_id uuid REFERENCES family(id);
      ALTER TABLE goal ADD COLUMN consent_family_id uuid REFERENCES family(id);

      UPDATE family f SET merged_at = COALESCE(
          (SELECT max(m.merged_at) FROM family_merge m
            WHERE m.status = 'MERGED' AND m.absorbed_family_id = f.id AND m.surviving_family_id = f.merged_into_family_id),
          (SELECT max(m.merged_at) FROM family_merge m WHERE m.status = 'MERGED' AND m.surviving_family_id = f.merged_into_family_id))
       WHERE f.merged_into_family_id IS NOT NULL;

      CREATE TEMPORARY TABLE created_in_registration ON COMMIT DROP AS
        SELECT ae.entity_type, ae.entity_id, ae.family_id FROM family r JOIN audit_event ae ON ae.family_id = r.id
         WHERE r.merged_into_family_id IS NOT NULL AND ae.action = 'INSERT' AND ae.entity_type IN ('plan', 'goal');
      UPDATE plan p SET consent_family_id = c.family_id FROM created_in_registration c
       WHERE c.entity_type = 'plan' AND c.entity_id = p.id AND c.family_id <> p.family_id;
      UPDATE goal g SET consent_family_id = c.family_id FROM created_in_registration c, plan p
       WHERE c.entity_type = 'goal' AND c.entity_id = g.id AND p.id = g.plan_id AND c.family_id <> p.family_id;
      DROP TABLE created_in_registration;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE goal DROP COLUMN consent_family_id;
      ALTER TABLE plan DROP COLUMN consent_family_id;
      ALTER TABLE family DROP COLUMN merged_at;
    `);
  }
}
