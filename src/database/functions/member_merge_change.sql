-- Whether an UPDATE of an append-only row is the re-pointing of a merge of two members that are the same
-- person (app.member_merge on, set by the owner's one re-pointing statement, src/database/family-merge-statement.ts):
-- a row of a table whose member a merge re-points, where nothing changes but member columns (`…member_id`,
-- `…member_ids`), each from a member merged into another (family_member.merged_into_member_id) to the member
-- it became. Called by the append-only refusals; the audit trail and the member's own history are never re-pointed.
-- Rule: consents, assessments and erasure requests are events, and yet name the one person two merged records were
-- (docs/family-merge.md, "Members that are the same person").
CREATE OR REPLACE FUNCTION member_merge_change(tbl text, old_row jsonb, new_row jsonb) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('app.member_merge', true), '') = 'on'
     AND tbl IN ('consent', 'consent_subject', 'consent_confirmation', 'consent_revocation', 'capacity_assessment', 'referral_member', 'erasure_request')
     AND NOT EXISTS (
       SELECT 1 FROM jsonb_each(new_row) n JOIN jsonb_each(old_row) o ON o.key = n.key
        WHERE n.value IS DISTINCT FROM o.value
          AND NOT coalesce(CASE
                WHEN n.key LIKE '%member\_id' AND jsonb_typeof(o.value) = 'string' THEN
                  n.value = (SELECT to_jsonb(m.merged_into_member_id) FROM family_member m WHERE m.id = (o.value #>> '{}')::uuid)
                WHEN n.key LIKE '%member\_ids' AND jsonb_typeof(o.value) = 'array' THEN
                  n.value = (SELECT jsonb_agg(coalesce(m.merged_into_member_id, e.id::uuid) ORDER BY e.ord)
                               FROM jsonb_array_elements_text(o.value) WITH ORDINALITY e(id, ord)
                               LEFT JOIN family_member m ON m.id = e.id::uuid)
              END, false))
$$;
