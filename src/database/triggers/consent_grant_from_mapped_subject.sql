-- A consent's member re-pointed by a merge of two members that are the same person moves its grants as far as
-- they widen nothing (functions/consent_grant_from_mapped_subject.sql).
CREATE TRIGGER consent_subject_mapped_grants AFTER UPDATE OF member_id ON consent_subject
  FOR EACH ROW EXECUTE FUNCTION consent_grant_from_mapped_subject();
