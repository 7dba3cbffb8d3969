-- A corrected birth date (or a birth) moves the end of a parent's consent (functions/consent_grant_birth_date.sql).
CREATE TRIGGER family_member_birth_date_grants AFTER UPDATE OF birth_date, expected_date ON family_member
  FOR EACH ROW WHEN (OLD.birth_date IS DISTINCT FROM NEW.birth_date OR OLD.expected_date IS DISTINCT FROM NEW.expected_date)
  EXECUTE FUNCTION consent_grant_birth_date();
