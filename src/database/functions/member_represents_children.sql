-- Whether a family member may speak for the children of its family who cannot decide yet: an adult
-- parent or other caregiver. Called by member_speaks_for (the portal's access rule), by consenting for a
-- child and by agreeing to close a plan, so that the rule is written once.
-- Rule: who speaks for whom in the family portal (docs/consent-and-portal.md, "The family portal").
CREATE OR REPLACE FUNCTION member_represents_children(m family_member) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT m.role IN ('PARENT', 'OTHER_CAREGIVER') AND m.birth_date IS NOT NULL
     AND m.birth_date <= (current_date - interval '18 years')::date
$$;
