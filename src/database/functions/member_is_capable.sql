-- Whether a family member decides for itself (consents for itself, withdraws its own consents): the
-- latest capacity assessment, else presumed from the 12th birthday (never for the unborn).
-- Rule: who may consent for whom (docs/consent-and-portal.md, "Consents" and "Capacity").
CREATE OR REPLACE FUNCTION member_is_capable(m family_member) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT ca.capable FROM capacity_assessment ca WHERE ca.member_id = m.id ORDER BY ca.assessed_at DESC, ca.id DESC LIMIT 1),
    m.role <> 'UNBORN' AND m.birth_date IS NOT NULL AND m.birth_date <= (current_date - interval '12 years')::date)
$$;
