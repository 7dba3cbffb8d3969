-- Trigger function (consent_subject, AFTER INSERT): a consent naming a member puts one grant per category
-- into `consent_grant`, the table the access rule probes, with the day a representative's consent ends.
-- Rule: an agency reads a member's data of a category only under the member's consent in force
-- (src/policy/subjects.ts, `grantInForce`; docs/consent-and-portal.md, "The access rule"). A consent to an
-- organisation outside the platform names its directory service instead (docs/directory.md, "Logged referrals").
CREATE OR REPLACE FUNCTION consent_grant_from_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO consent_grant (consent_id, member_id, category, family_id, recipient_agency_id,
                             recipient_directory_service_id, valid_from, valid_until, represented_until)
    SELECT c.id, NEW.member_id, category, c.family_id, c.recipient_agency_id, c.recipient_directory_service_id, c.valid_from, c.valid_until,
           representation_ends(c.id, NEW.member_id)
      FROM consent c CROSS JOIN unnest(c.categories) category WHERE c.id = NEW.consent_id;
  RETURN NULL;
END $$;
