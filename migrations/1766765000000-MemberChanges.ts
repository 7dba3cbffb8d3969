import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';

/**
 * Members that change (docs/family-members.md): a member's version (optimistic concurrency of corrections),
 * the day she left the household, the append-only record of every change to a member — which fields,
 * the values before and after (erased with the member), who and when — and the corrections a member asks
 * for in the portal, applied or declined by the team.
 */
export class MemberChanges1766765000000 implements MigrationInterface {
  name = 'MemberChanges1766765000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_member ADD COLUMN version integer NOT NULL DEFAULT 1, ADD COLUMN left_on date;
      CREATE TABLE family_member_change (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        change text NOT NULL CHECK (change IN ('ADDED', 'CORRECTED', 'BORN', 'LEFT_HOUSEHOLD')),
        category text NOT NULL CHECK (category IN ('IDENTITY', 'CONTACT')),
        fields text[] NOT NULL,
        before jsonb NOT NULL DEFAULT '{}',
        after jsonb NOT NULL DEFAULT '{}',
        actor_user_id uuid REFERENCES app_user(id),
        acting_agency_id uuid REFERENCES agency(id),
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX family_member_change_member_idx ON family_member_change (member_id, at);
      CREATE TRIGGER family_member_change_audit AFTER INSERT OR UPDATE OR DELETE ON family_member_change
        FOR EACH ROW EXECUTE FUNCTION audit_write();
      CREATE TRIGGER family_member_change_append_only BEFORE DELETE ON family_member_change
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER family_member_change_no_truncate BEFORE TRUNCATE ON family_member_change
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER family_member_change_erasure_only BEFORE UPDATE ON family_member_change
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('before', 'after');
    `);
    await q.query(`
      CREATE TABLE member_correction_request (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        requested_by_member_id uuid NOT NULL REFERENCES family_member(id),
        changes jsonb NOT NULL,
        status text NOT NULL DEFAULT 'REQUESTED' CHECK (status IN ('REQUESTED', 'APPLIED', 'DECLINED')),
        decline_reason text,
        decided_by_user_id uuid REFERENCES app_user(id),
        version integer NOT NULL DEFAULT 1,
        requested_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      );
      CREATE INDEX member_correction_request_member_idx ON member_correction_request (member_id, requested_at);
      CREATE TRIGGER member_correction_request_audit AFTER INSERT OR UPDATE OR DELETE ON member_correction_request
        FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
    await q.query(functionSql('family_member_changes_erased'));
    await q.query(`
      CREATE TRIGGER family_member_changes_erased AFTER UPDATE OF erased_at ON family_member
        FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
        EXECUTE FUNCTION family_member_changes_erased();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER family_member_changes_erased ON family_member;
      DROP FUNCTION family_member_changes_erased();
      DROP TABLE member_correction_request;
      DROP TABLE family_member_change;
      ALTER TABLE family_member DROP COLUMN version, DROP COLUMN left_on;
    `);
  }
}
