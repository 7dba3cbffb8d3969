-- Trigger function (app_user, BEFORE INSERT OR UPDATE OF subject): the user claims its token subject as a
-- PROFESSIONAL; the first claim wins, a later claim of another kind fails the foreign key to
-- `subject_identity`.
-- Rule: a token subject is one kind of principal for good (docs/domain.md, "Principals"; docs/api.md, "Tokens").
CREATE OR REPLACE FUNCTION app_user_claims_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.subject_digest := subject_digest(NEW.subject);
  INSERT INTO subject_identity (digest, kind) VALUES (NEW.subject_digest, 'PROFESSIONAL') ON CONFLICT DO NOTHING;
  RETURN NEW;
END $$;
