import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';
import { ERASE_PERSONAL_DATA_WITH_NOTIFICATION_ADDRESS } from './1766797000000-EraseNotificationAddress.js';
import { REFUSE_EXCEPT_ERASURE_OR_FAMILY_MERGE } from './1766770000000-FamilyMerge.js';

/** refuse_append_only_change before this migration. */
const REFUSE_APPEND_ONLY_CHANGE = `
-- Trigger function: refuses UPDATE, DELETE and TRUNCATE of an append-only table (history, consent events,
-- the audit trail and its chain, outbox events, …): evidence that the database itself keeps.
-- Rule: consents are events, never changed or removed; the audit trail is append-only
-- (docs/consent-and-portal.md, "Consents"; docs/audit.md).
CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
`;

/** member_merge_change as this migration made it (MergedMemberRecords adds erasure requests). */
export const MEMBER_MERGE_CHANGE = `
-- Whether an UPDATE of an append-only row is the re-pointing of a merge of two members that are the same
-- person (app.member_merge on, set by the owner's one re-pointing statement, src/database/family-merge-statement.ts):
-- a row of a table whose member a merge re-points, where nothing changes but member columns (\`…member_id\`,
-- \`…member_ids\`), each from a member merged into another (family_member.merged_into_member_id) to the member
-- it became. Called by the append-only refusals; the audit trail and the member's own history are never re-pointed.
-- Rule: consents and assessments are events, and yet name the one person two merged records were
-- (docs/family-merge.md, "Members that are the same person").
CREATE OR REPLACE FUNCTION member_merge_change(tbl text, old_row jsonb, new_row jsonb) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('app.member_merge', true), '') = 'on'
     AND tbl IN ('consent', 'consent_subject', 'consent_confirmation', 'consent_revocation', 'capacity_assessment', 'referral_member')
     AND NOT EXISTS (
       SELECT 1 FROM jsonb_each(new_row) n JOIN jsonb_each(old_row) o ON o.key = n.key
        WHERE n.value IS DISTINCT FROM o.value
          AND NOT coalesce(CASE
                WHEN n.key LIKE '%member\\_id' AND jsonb_typeof(o.value) = 'string' THEN
                  n.value = (SELECT to_jsonb(m.merged_into_member_id) FROM family_member m WHERE m.id = (o.value #>> '{}')::uuid)
                WHEN n.key LIKE '%member\\_ids' AND jsonb_typeof(o.value) = 'array' THEN
                  n.value = (SELECT jsonb_agg(coalesce(m.merged_into_member_id, e.id::uuid) ORDER BY e.ord)
                               FROM jsonb_array_elements_text(o.value) WITH ORDINALITY e(id, ord)
                               LEFT JOIN family_member m ON m.id = e.id::uuid)
              END, false))
$$;
`;

/**
 * Members that are the same person (docs/family-merge.md, "Members that are the same person"): a merge names
 * pairs (absorbed member → surviving member), kept with the proposal; on confirmation the absorbed member's
 * record ends, pointing at the member it became, and the records naming it are re-pointed. Several of those are
 * append-only events: `member_merge_change` lets one statement (app.member_merge on) change their member
 * columns from a merged member to the member it became, and nothing else; a consent's re-pointed member
 * moves its grants only as far as they widen nothing (`consent_grant_from_mapped_subject`). Erasure erases a
 * merged record with the member it became.
 */
export class MemberPairs1766835000000 implements MigrationInterface {
  name = 'MemberPairs1766835000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_member ADD COLUMN merged_into_member_id uuid REFERENCES family_member(id)
        CHECK (merged_into_member_id <> id);
      CREATE INDEX family_member_merged_into_idx ON family_member (merged_into_member_id) WHERE merged_into_member_id IS NOT NULL;
      ALTER TABLE family_merge ADD COLUMN member_pairs jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(member_pairs) = 'array');
    `);
    await q.query(MEMBER_MERGE_CHANGE);
    await q.query(functionSql('refuse_append_only_change'));
    await q.query(functionSql('refuse_append_only_change_except_erasure'));
    await q.query(functionSql('consent_grant_from_mapped_subject'));
    await q.query(`
      CREATE TRIGGER consent_subject_mapped_grants AFTER UPDATE OF member_id ON consent_subject
        FOR EACH ROW EXECUTE FUNCTION consent_grant_from_mapped_subject();
    `);
    await q.query(functionSql('erase_personal_data'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(ERASE_PERSONAL_DATA_WITH_NOTIFICATION_ADDRESS);
    await q.query(`
      DROP TRIGGER consent_subject_mapped_grants ON consent_subject;
      DROP FUNCTION consent_grant_from_mapped_subject();
    `);
    await q.query(REFUSE_EXCEPT_ERASURE_OR_FAMILY_MERGE);
    await q.query(REFUSE_APPEND_ONLY_CHANGE);
    await q.query(`
      DROP FUNCTION member_merge_change(text, jsonb, jsonb);
      ALTER TABLE family_merge DROP COLUMN member_pairs;
      ALTER TABLE family_member DROP COLUMN merged_into_member_id;
    `);
  }
}
