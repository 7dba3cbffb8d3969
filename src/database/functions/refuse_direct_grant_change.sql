-- Trigger function (consent_grant): the consents in force are derived from the audited consent events
-- only; a grant written directly would open data without consent. Writes from the consent-grant triggers
-- (trigger depth ≥ 1) pass.
-- Rule: no data is shared without the family's consent (docs/consent-and-portal.md, "Consents").
CREATE OR REPLACE FUNCTION refuse_direct_grant_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_grant is derived from consent events and cannot be changed directly'
    USING ERRCODE = 'insufficient_privilege';
END $$;
