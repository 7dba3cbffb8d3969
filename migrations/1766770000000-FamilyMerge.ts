import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';

const REASONS_BEFORE = `'GOALS_ACHIEVED','FAMILY_ENDED_SUPPORT','MOVED_AWAY','TRANSFERRED_TO_OTHER_SERVICE','NO_LONGER_NEEDED','OTHER'`;

/** The text this migration installed (src/database/functions/refuse_append_only_change_except_erasure.sql changed later, migration MemberPairs). */
export const REFUSE_EXCEPT_ERASURE_OR_FAMILY_MERGE = `
-- Trigger function (BEFORE UPDATE of an append-only table that holds personal text): refused, except by
-- erasure (app.erasure on, set by erase_personal_data for its own statements) changing nothing but the
-- columns named as the trigger's arguments; or by a merge of two families (app.family_merge on, set by
-- the owner's re-pointing statement, migration FamilyMerge) changing nothing but the row's family_id.
-- Rule: append-only, and yet erasable (docs/retention.md).
CREATE OR REPLACE FUNCTION refuse_append_only_change_except_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('app.erasure', true) = 'on'
     AND to_jsonb(NEW) - TG_ARGV = to_jsonb(OLD) - TG_ARGV THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND current_setting('app.family_merge', true) = 'on'
     AND to_jsonb(NEW) - 'family_id' = to_jsonb(OLD) - 'family_id' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
`;

/**
 * Merging two registrations of the same family (docs/family-merge.md): the proposal (`family_merge`), the
 * pointer an absorbed family keeps to the family that goes on, and MERGED as the reason its plan closed.
 * Consents are events, so their rows refuse changes; a merge may re-point their family_id, and nothing
 * else (refuse_append_only_change_except_erasure). The proposal is audited, in the surviving family's log.
 */
export class FamilyMerge1766770000000 implements MigrationInterface {
  name = 'FamilyMerge1766770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family ADD COLUMN merged_into_family_id uuid REFERENCES family(id);
      -- The registrations merged into a family: its access log reads their entries too.
      CREATE INDEX family_merged_into_idx ON family (merged_into_family_id) WHERE merged_into_family_id IS NOT NULL;
      ALTER TABLE plan DROP CONSTRAINT plan_close_reason_code_check,
        ADD CONSTRAINT plan_close_reason_code_check CHECK (close_reason_code IN (${REASONS_BEFORE}, 'MERGED'));

      CREATE TABLE family_merge (
        id uuid PRIMARY KEY,
        network_id uuid NOT NULL REFERENCES network(id),
        surviving_family_id uuid NOT NULL REFERENCES family(id),
        absorbed_family_id uuid NOT NULL REFERENCES family(id),
        -- The family whose supporter proposed it: the other family's supporter confirms.
        proposed_for_family_id uuid NOT NULL REFERENCES family(id),
        status text NOT NULL CHECK (status IN ('PROPOSED','MERGED')),
        proposed_by_user_id uuid NOT NULL REFERENCES app_user(id),
        confirmed_by_user_id uuid REFERENCES app_user(id),
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        merged_at timestamptz,
        CHECK (surviving_family_id <> absorbed_family_id),
        CHECK (proposed_for_family_id IN (surviving_family_id, absorbed_family_id)),
        CHECK ((status = 'MERGED') = (merged_at IS NOT NULL AND confirmed_by_user_id IS NOT NULL))
      );
      CREATE INDEX family_merge_surviving_idx ON family_merge (surviving_family_id);
      CREATE INDEX family_merge_absorbed_idx ON family_merge (absorbed_family_id);
      CREATE TRIGGER family_merge_audit AFTER INSERT OR UPDATE OR DELETE ON family_merge FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
    await q.query(functionSql('audit_family_of'));
    await q.query(REFUSE_EXCEPT_ERASURE_OR_FAMILY_MERGE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE family_merge;
      ALTER TABLE plan DROP CONSTRAINT plan_close_reason_code_check,
        ADD CONSTRAINT plan_close_reason_code_check CHECK (close_reason_code IN (${REASONS_BEFORE}));
      ALTER TABLE family DROP COLUMN merged_into_family_id;
    `);
    await q.query(`
-- The family a written row belongs to (called by audit_write), so that the family's access log shows
-- writes too.
-- Rule: the family sees who looked at and changed its data (docs/audit.md; docs/consent-and-portal.md,
-- "The family portal").
CREATE OR REPLACE FUNCTION audit_family_of(tbl text, r jsonb) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN tbl = 'family' THEN (r->>'id')::uuid
    WHEN r ? 'family_id' THEN (r->>'family_id')::uuid
    WHEN r ? 'plan_id' THEN (SELECT family_id FROM plan WHERE id = (r->>'plan_id')::uuid)
    WHEN r ? 'goal_id' THEN (SELECT p.family_id FROM goal g JOIN plan p ON p.id = g.plan_id WHERE g.id = (r->>'goal_id')::uuid)
    WHEN r ? 'note_id' THEN (SELECT p.family_id FROM note n JOIN plan p ON p.id = n.plan_id WHERE n.id = (r->>'note_id')::uuid)
    WHEN r ? 'consent_id' THEN (SELECT family_id FROM consent WHERE id = (r->>'consent_id')::uuid)
    WHEN r ? 'grant_id' THEN (SELECT family_id FROM break_glass_grant WHERE id = (r->>'grant_id')::uuid)
    WHEN r ? 'referral_id' THEN (SELECT family_id FROM referral WHERE id = (r->>'referral_id')::uuid)
    WHEN tbl = 'capacity_assessment' THEN (SELECT family_id FROM family_member WHERE id = (r->>'member_id')::uuid)
  END
$$;
    `);
    await q.query(`
-- Trigger function (BEFORE UPDATE of an append-only table that holds personal text): refused, except by
-- erasure (app.erasure on, set by erase_personal_data for its own statements) changing nothing but the
-- columns named as the trigger's arguments.
-- Rule: append-only, and yet erasable (docs/retention.md).
CREATE OR REPLACE FUNCTION refuse_append_only_change_except_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('app.erasure', true) = 'on'
     AND to_jsonb(NEW) - TG_ARGV = to_jsonb(OLD) - TG_ARGV THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
    `);
  }
}
