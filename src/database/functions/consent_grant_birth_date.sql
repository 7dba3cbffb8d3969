-- Trigger function (family_member, AFTER UPDATE OF birth_date, expected_date): a corrected birth date (or
-- a birth) moves the day a representative's consent stops covering the member.
-- Rule: the transition to 18 (docs/transition-to-18.md).
CREATE OR REPLACE FUNCTION consent_grant_birth_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE consent_grant SET represented_until = representation_ends(consent_id, member_id) WHERE member_id = NEW.id;
  RETURN NULL;
END $$;
