import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';

/**
 * Whether a family is known (docs/family-identity.md): per member the keyed hashes of her national register
 * number and of her name and birth date (never the number or the key itself), every lookup, and the requests
 * of a caseworker who found a known family to join its team. A member's hashes go when her data is erased.
 */
export class FamilyIdentity1766760000000 implements MigrationInterface {
  name = 'FamilyIdentity1766760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE family_member_identity (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL UNIQUE REFERENCES family_member(id) ON DELETE CASCADE,
        family_id uuid NOT NULL REFERENCES family(id),
        national_number_hash bytea,
        name_hash bytea,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- A number belongs to one member record.
      CREATE UNIQUE INDEX family_member_identity_number_uq ON family_member_identity (national_number_hash) WHERE national_number_hash IS NOT NULL;
      CREATE INDEX family_member_identity_name_idx ON family_member_identity (name_hash) WHERE name_hash IS NOT NULL;
      -- Written with the member, in the transaction whose INSERT of the member the audit records: auditing the keys'
      -- INSERT too would say every member twice in the family's log. Their removal (erasure) is audited.
      CREATE TRIGGER family_member_identity_audit AFTER UPDATE OR DELETE ON family_member_identity FOR EACH ROW EXECUTE FUNCTION audit_write();

      CREATE TABLE family_lookup (
        id uuid PRIMARY KEY,
        family_id uuid REFERENCES family(id),
        user_id uuid NOT NULL REFERENCES app_user(id),
        agency_id uuid NOT NULL REFERENCES agency(id),
        purpose text NOT NULL,
        matched_by text CHECK (matched_by IN ('NATIONAL_NUMBER', 'NAME_AND_BIRTH_DATE')),
        -- The family registered although this one has a member of the same name and birth date (confirmNotDuplicate).
        registered_family_id uuid REFERENCES family(id),
        looked_up_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((family_id IS NULL) = (matched_by IS NULL))
      );
      CREATE INDEX family_lookup_family_idx ON family_lookup (family_id) WHERE family_id IS NOT NULL;
      CREATE TRIGGER family_lookup_audit AFTER INSERT OR UPDATE OR DELETE ON family_lookup FOR EACH ROW EXECUTE FUNCTION audit_write();

      CREATE TABLE team_participation_request (
        id uuid PRIMARY KEY,
        lookup_id uuid NOT NULL UNIQUE REFERENCES family_lookup(id),
        family_id uuid NOT NULL REFERENCES family(id),
        plan_id uuid NOT NULL REFERENCES plan(id),
        requested_by_user_id uuid NOT NULL REFERENCES app_user(id),
        requesting_agency_id uuid NOT NULL REFERENCES agency(id),
        message text,
        status text NOT NULL DEFAULT 'REQUESTED' CHECK (status IN ('REQUESTED', 'ACCEPTED', 'DECLINED')),
        version int NOT NULL DEFAULT 1,
        decided_by_user_id uuid REFERENCES app_user(id),
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX team_participation_request_plan_idx ON team_participation_request (plan_id) WHERE status = 'REQUESTED';
      CREATE TRIGGER team_participation_request_audit AFTER INSERT OR UPDATE OR DELETE ON team_participation_request FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
    await q.query(functionSql('forget_member_identity'));
    await q.query(`CREATE TRIGGER family_member_forget_identity AFTER UPDATE OF erased_at ON family_member
      FOR EACH ROW WHEN (NEW.erased_at IS NOT NULL) EXECUTE FUNCTION forget_member_identity()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER family_member_forget_identity ON family_member`);
    await q.query(`DROP FUNCTION forget_member_identity()`);
    await q.query(`DROP TABLE team_participation_request, family_lookup, family_member_identity`);
  }
}
