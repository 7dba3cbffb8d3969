-- Who speaks for a member in the family portal: the member itself, or — for a member who cannot decide
-- yet (member_is_capable) — an adult parent or other caregiver of the family (member_represents_children).
-- Rule: a portal login sees the personal data of the members it speaks for, never another member's
-- (src/policy/subjects.ts, relations `speakerMemberIds` and `concernedMemberIds`;
-- docs/consent-and-portal.md, "The family portal").
CREATE OR REPLACE FUNCTION member_speaks_for(speaker uuid, member uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT speaker = member OR EXISTS (
    SELECT 1 FROM family_member m JOIN family_member s ON s.family_id = m.family_id
     WHERE m.id = member AND s.id = speaker AND NOT member_is_capable(m) AND member_represents_children(s))
$$;
