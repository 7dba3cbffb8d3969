-- A withdrawal ends its grants at once (functions/consent_grant_revoke.sql).
CREATE TRIGGER consent_revocation_grants AFTER INSERT ON consent_revocation
  FOR EACH ROW EXECUTE FUNCTION consent_grant_revoke();
