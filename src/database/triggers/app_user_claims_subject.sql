-- A user claims its token subject as a professional (functions/app_user_claims_subject.sql).
CREATE TRIGGER app_user_claims_subject BEFORE INSERT OR UPDATE OF subject, subject_digest ON app_user
  FOR EACH ROW EXECUTE FUNCTION app_user_claims_subject();
