-- The day a representative's consent stops covering the member: their 18th birthday (of the expected
-- date while unborn). NULL when the member gave or confirmed the consent themselves. Kept on each grant
-- as `consent_grant.represented_until` by the consent-grant triggers.
-- Rule: a parent's consent for a child ends at the child's 18th birthday unless the young adult confirms
-- it (docs/transition-to-18.md).
CREATE OR REPLACE FUNCTION representation_ends(consent_id uuid, member_id uuid) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT (COALESCE(m.birth_date, m.expected_date) + interval '18 years')::date
    FROM consent c JOIN family_member m ON m.id = representation_ends.member_id
   WHERE c.id = representation_ends.consent_id AND c.grantor_member_id <> m.id
     AND NOT EXISTS (SELECT 1 FROM consent_confirmation cc
                      WHERE cc.consent_id = c.id AND cc.member_id = m.id)
$$;
