-- Trigger function (family_member, BEFORE INSERT OR UPDATE OF portal_subject): a member's portal login
-- claims its token subject as a FAMILY_MEMBER; a subject already claimed as another kind fails the foreign
-- key to `subject_identity`.
-- Rule: a token subject is one kind of principal for good (docs/domain.md, "Principals"; docs/consent-and-portal.md,
-- "The family portal").
CREATE OR REPLACE FUNCTION family_member_claims_portal_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.portal_subject_digest := subject_digest(NEW.portal_subject);
  IF NEW.portal_subject_digest IS NOT NULL THEN
    INSERT INTO subject_identity (digest, kind) VALUES (NEW.portal_subject_digest, 'FAMILY_MEMBER') ON CONFLICT DO NOTHING;
  END IF;
  RETURN NEW;
END $$;
