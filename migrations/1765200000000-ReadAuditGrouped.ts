import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A reading statement records one audit entry per family, set of members concerned and legal basis,
 * naming every record it read (`entity_ids`), instead of one entry per record: viewing a plan wrote
 * about 35 entries (plan, goals, actions, history), which the family saw as 35 lines of its access log,
 * and which were most of the audit trail's growth. Records about different members stay in different
 * entries: a family member sees an entry only when it speaks for every member the entry concerns.
 * `entity_id` stays for entries about one record (writes, aggregate reads).
 *
 * The content hash covers the new column. `concat_ws` skips NULLs, so for every entry written before
 * (no `entity_ids`) the digest is the same as before and the chain keeps verifying.
 */
export class ReadAuditGrouped1765200000000 implements MigrationInterface {
  name = 'ReadAuditGrouped1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_event ADD COLUMN entity_ids uuid[];

      CREATE OR REPLACE FUNCTION audit_event_digest(e audit_event, prev text) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT encode(sha256(convert_to(concat_ws('|', e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
          e.request_id, e.actor_subject, e.actor_user_id, e.actor_member_id, e.acting_agency_id, e.action, e.entity_type,
          e.entity_id, array_to_string(e.entity_ids, ','), e.family_id, array_to_string(e.member_ids, ','),
          array_to_string(e.categories, ','), e.legal_basis, array_to_string(e.consent_ids, ','), coalesce(prev, 'GENESIS')), 'UTF8')), 'hex')
      $$;

      -- The arrays of a group's rows as one (array_agg would make a two-dimensional array of them).
      CREATE AGGREGATE array_cat_agg(anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray, INITCOND = '{}');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // Without the column, the entries that name several records would no longer verify: refused then.
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM audit_event WHERE entity_ids IS NOT NULL) THEN
          RAISE EXCEPTION 'audit entries name several records (entity_ids): reverting would break the audit chain';
        END IF;
      END $$;
      DROP AGGREGATE array_cat_agg(anycompatiblearray);
      CREATE OR REPLACE FUNCTION audit_event_digest(e audit_event, prev text) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT encode(sha256(convert_to(concat_ws('|', e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
          e.request_id, e.actor_subject, e.actor_user_id, e.actor_member_id, e.acting_agency_id, e.action, e.entity_type,
          e.entity_id, e.family_id, array_to_string(e.member_ids, ','), array_to_string(e.categories, ','), e.legal_basis,
          array_to_string(e.consent_ids, ','), coalesce(prev, 'GENESIS')), 'UTF8')), 'hex')
      $$;
      ALTER TABLE audit_event DROP COLUMN entity_ids;
    `);
  }
}
