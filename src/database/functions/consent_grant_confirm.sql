-- Trigger function (consent_confirmation, AFTER INSERT): a young adult who confirms a consent a parent
-- gave for them makes it their own; it no longer ends at their 18th birthday.
-- Rule: the transition to 18 (docs/transition-to-18.md).
CREATE OR REPLACE FUNCTION consent_grant_confirm() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE consent_grant SET represented_until = NULL WHERE consent_id = NEW.consent_id AND member_id = NEW.member_id;
  RETURN NULL;
END $$;
