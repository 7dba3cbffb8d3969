-- A consent's member, once named, gets its grants (functions/consent_grant_from_subject.sql).
CREATE TRIGGER consent_subject_grants AFTER INSERT ON consent_subject
  FOR EACH ROW EXECUTE FUNCTION consent_grant_from_subject();
