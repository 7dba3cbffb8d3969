-- The family a written row belongs to (called by audit_write), so that the family's access log shows
-- writes too.
-- Rule: the family sees who looked at and changed its data (docs/audit.md; docs/consent-and-portal.md,
-- "The family portal").
CREATE OR REPLACE FUNCTION audit_family_of(tbl text, r jsonb) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN tbl = 'family' THEN (r->>'id')::uuid
    -- A merge of two families is told in the log of the family that goes on (migration FamilyMerge).
    WHEN tbl = 'family_merge' THEN (r->>'surviving_family_id')::uuid
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
