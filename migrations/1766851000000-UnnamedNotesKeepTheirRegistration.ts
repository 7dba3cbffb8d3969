import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notes naming nobody concern the members of the registration they were written in (docs/family-merge.md,
 * "Consents do not widen"): a note keeps that registration (`note.consent_family_id`, set by a merge for the notes
 * of both registrations; null: every member of its plan's family), and a member a merge moved keeps the
 * registration she was registered in (`family_member.registration_family_id`; null: her family).
 *
 * Merges made before: a member's and a note's registration is the family their creation was audited for (the
 * INSERT entry of `audit_event`, looked up by the registrations merged since, on `audit_event_family_idx`, as
 * migration ConsentsDoNotWiden does). A note keeps it when its family now has registrations merged into it and it
 * was written before the first merge its registration survived; written later, it concerns every member (null),
 * as a merge leaves it now.
 */
export class UnnamedNotesKeepTheirRegistration1766851000000 implements MigrationInterface {
  name = 'UnnamedNotesKeepTheirRegistration1766851000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The backfill below is a write like any other: audited, under a named actor.
      SELECT set_config('app.actor_subject', 'migration:UnnamedNotesKeepTheirRegistration', true),
             set_config('app.legal_basis', 'ADMINISTRATION', true);

      ALTER TABLE note ADD COLUMN consent_family_id uuid REFERENCES family(id);
      ALTER TABLE family_member ADD COLUMN registration_family_id uuid REFERENCES family(id);

      CREATE TEMPORARY TABLE created_in_registration ON COMMIT DROP AS
        SELECT ae.entity_type, ae.entity_id, ae.family_id FROM family r JOIN audit_event ae ON ae.family_id = r.id
         WHERE (r.merged_into_family_id IS NOT NULL OR EXISTS (SELECT 1 FROM family m WHERE m.merged_into_family_id = r.id))
           AND ae.action = 'INSERT' AND ae.entity_type IN ('family_member', 'note');
      UPDATE family_member m SET registration_family_id = c.family_id FROM created_in_registration c
       WHERE c.entity_type = 'family_member' AND c.entity_id = m.id AND c.family_id <> m.family_id;
      UPDATE note n SET consent_family_id = c.family_id FROM created_in_registration c, plan p
       WHERE c.entity_type = 'note' AND c.entity_id = n.id AND p.id = n.plan_id
         AND EXISTS (SELECT 1 FROM family m WHERE m.merged_into_family_id = p.family_id)
         AND n.created_at < COALESCE((SELECT min(fm.merged_at) FROM family_merge fm WHERE fm.status = 'MERGED' AND fm.surviving_family_id = c.family_id), 'infinity');
      DROP TABLE created_in_registration;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_member DROP COLUMN registration_family_id;
      ALTER TABLE note DROP COLUMN consent_family_id;
    `);
  }
}
