-- A young adult's confirmation makes a parent's consent her own (functions/consent_grant_confirm.sql).
CREATE TRIGGER consent_confirmation_grants AFTER INSERT ON consent_confirmation
  FOR EACH ROW EXECUTE FUNCTION consent_grant_confirm();
