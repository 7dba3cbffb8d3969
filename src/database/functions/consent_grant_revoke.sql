-- Trigger function (consent_revocation, AFTER INSERT): a withdrawal ends the consent's grants, for the
-- members it names (`member_ids`) or, naming none, for everyone — in the withdrawing transaction.
-- Rule: revocation works on the very next request (docs/consent-and-portal.md, "Consents").
CREATE OR REPLACE FUNCTION consent_grant_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE consent_grant SET revoked_at = NEW.revoked_at
   WHERE consent_id = NEW.consent_id AND revoked_at IS NULL
     AND (NEW.member_ids IS NULL OR member_id = ANY (NEW.member_ids));
  RETURN NULL;
END $$;
