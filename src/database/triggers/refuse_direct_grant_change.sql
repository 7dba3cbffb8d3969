-- `consent_grant` is written by the consent-grant triggers only (trigger depth ≥ 1), never directly
-- (functions/refuse_direct_grant_change.sql).
-- Rule: no data is shared without the family's consent (docs/consent-and-portal.md, "Consents").
CREATE TRIGGER consent_grant_derived_only BEFORE INSERT OR UPDATE OR DELETE ON consent_grant
  FOR EACH ROW WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION refuse_direct_grant_change();
CREATE TRIGGER consent_grant_no_truncate BEFORE TRUNCATE ON consent_grant
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_direct_grant_change();
